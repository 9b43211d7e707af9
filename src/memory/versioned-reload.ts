/**
 * A cache of the storage brought up to its data version (AsyncStorage.dataVersion): `refresh(v)`
 * runs `load` on the first call and again whenever `v` differs from the version last loaded. One
 * load at a time: callers asking for the version being loaded share it (two messages arriving
 * together read the store once), and a caller asking for another version waits for it, then loads
 * again. A load that rejects leaves the version as it was, so the next call tries again. Used by
 * FixIndex (src/fixes/index.ts) and FeedbackLearning (src/bot/learning.ts).
 */
export class VersionedReload {
  /** The version last loaded; undefined until the first load succeeds. */
  private loaded: number | undefined;
  /** The load in flight, and the version it reads for. */
  private loading: { version: number; done: Promise<void> } | undefined;

  constructor(private readonly load: (version: number) => Promise<void>) {}

  refresh(version: number): Promise<void> {
    const loading = this.loading;
    if (loading) {
      if (loading.version === version) return loading.done;
      const again = (): Promise<void> => this.refresh(version);
      return loading.done.then(again, again);
    }
    if (version === this.loaded) return Promise.resolve();
    const done = this.load(version)
      .then(() => {
        this.loaded = version;
      })
      .finally(() => {
        this.loading = undefined;
      });
    this.loading = { version, done };
    return done;
  }
}
