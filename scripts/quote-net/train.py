"""Step 3 of training the quote network: word vectors from the co-occurrence counts, then a
bidirectional GRU that scores each space of a quote's window "the quote ends here", trained on
the windows of dump.mjs (the hazard likelihood: no end before the true one, the end there).
Writes src/kb/parse/quote-net-model.ts and reports, on the held-out windows, how many ends the
network finds, the linear model finds, and the two averaged find (as quoteLength averages them).
Usage: python3 scripts/quote-net/train.py WORK_DIR   (torch, numpy and scipy; see train.sh)
"""
import base64, json, math, os, random, re, sys, time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla
import torch
import torch.nn as nn

WORK = sys.argv[1]
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'kb', 'parse', 'quote-net-model.ts')
SEED = int(os.environ.get('QUOTE_NET_SEED', 1))
EPOCHS = int(os.environ.get('QUOTE_NET_EPOCHS', 8))
DIM, SHAPE_DIM = 64, 8
HIDDEN = int(os.environ.get('QUOTE_NET_HIDDEN', 32))
MLP = int(os.environ.get('QUOTE_NET_MLP', 32))
torch.manual_seed(SEED)
random.seed(SEED)
torch.set_num_threads(2)


def word_vectors():
    """Positive PMI of the co-occurrence counts (context counts smoothed to the power 0.75), then a rank-64 SVD."""
    vocab = json.load(open(f'{WORK}/vocab.json'))
    V = len(vocab)
    r = np.fromfile(f'{WORK}/cooc-rows.bin', dtype=np.int32)
    c = np.fromfile(f'{WORK}/cooc-cols.bin', dtype=np.int32)
    v = np.fromfile(f'{WORK}/cooc-vals.bin', dtype=np.float32).astype(np.float64)
    M = sp.coo_matrix((v, (r, c)), shape=(V, V)).tocsr().tocoo()
    total = M.data.sum()
    rows = np.asarray(M.sum(1)).ravel()
    cols = np.asarray(M.sum(0)).ravel() ** 0.75
    cols = cols / cols.sum() * total
    pmi = np.log(M.data * total / (rows[M.row] * cols[M.col]))
    keep = pmi > 0
    P = sp.csr_matrix((pmi[keep], (M.row[keep], M.col[keep])), shape=(V, V))
    U, S, _ = sla.svds(P, k=DIM, random_state=SEED)
    E = U * np.sqrt(S)
    E = E / (np.linalg.norm(E, axis=1, keepdims=True) + 1e-8)
    return vocab, torch.tensor(E * 3, dtype=torch.float32)


def word(t): return re.sub(r"[^A-Za-z'-]", '', t).lower()


def token_shape(t):
    if not t: return 'none'
    if re.match(r'^\d{1,2}[.)]$', t): return 'marker'
    if re.match(r'^-+$', t): return 'dash'
    if re.match(r'^-?or-?$', t, re.I): return 'or'
    if re.match(r'^[A-Z][a-z]', t): return 'Cap'
    if re.match(r'^[A-Z]+$', t): return 'UP'
    if re.match(r'^[a-z]', t): return 'low'
    if re.match(r'^\d', t): return 'num'
    return 'sym'


def end_shape(t):
    c = t[-1:]
    if c in ('.', '?', '!'): return 'stop'
    if c == ':': return 'colon'
    if c in (',', ';'): return 'comma'
    if c and re.match(r'["\'”)\]>]', c): return 'close'
    return 'digit' if re.match(r'\d', c) else 'word'


def net_shape(t):
    """As netShape in quote-net.ts."""
    quoted = '|q' if t[:1] and t[:1] in '"“(' else ''
    return token_shape(t) + '|' + end_shape(t) + quoted


vocab, vectors = word_vectors()
ids = {w: k + 2 for k, w in enumerate(vocab)}
load = lambda name: [q for q in (json.loads(line) for line in open(f'{WORK}/{name}') if line.strip()) if len(q['tokens']) > 1]
train, test = load('train.jsonl'), load('test.jsonl')
shapes = {}
for q in train:
    for t in q['tokens']: shapes.setdefault(net_shape(t), len(shapes) + 1)
for q in train + test:
    q['w'] = [ids.get(word(t), 1) for t in q['tokens']]
    q['s'] = [shapes.get(net_shape(t), 0) for t in q['tokens']]
print(f'{len(train)} windows to train on, {len(test)} held out, {len(shapes)} token shapes', file=sys.stderr)


class QuoteNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.words = nn.Embedding(len(vocab) + 2, DIM, padding_idx=0)
        with torch.no_grad(): self.words.weight[2:] = vectors
        self.shapes = nn.Embedding(len(shapes) + 1, SHAPE_DIM, padding_idx=0)
        self.rnn = nn.GRU(DIM + SHAPE_DIM, HIDDEN, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.2)
        self.mlp = nn.Sequential(nn.Linear(4 * HIDDEN, MLP), nn.Tanh(), nn.Linear(MLP, 1))

    def forward(self, w, s, lengths):
        x = self.drop(torch.cat([self.words(w), self.shapes(s)], -1))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h, _ = nn.utils.rnn.pad_packed_sequence(self.rnn(packed)[0], batch_first=True, total_length=w.shape[1])
        h = self.drop(h)
        # Space i (between tokens i-1 and i) at index i-1.
        return self.mlp(torch.cat([h[:, :-1], h[:, 1:]], -1)).squeeze(-1)


def batch(qs):
    T = max(len(q['tokens']) for q in qs)
    w = torch.zeros(len(qs), T, dtype=torch.long)
    s = torch.zeros(len(qs), T, dtype=torch.long)
    mask = torch.zeros(len(qs), T - 1)
    y = torch.zeros(len(qs), T - 1)
    for b, q in enumerate(qs):
        n = len(q['tokens'])
        w[b, :n] = torch.tensor(q['w'])
        s[b, :n] = torch.tensor(q['s'])
        for i in range(1, min(q['upto'], n - 1) + 1):
            if q['open'][i] or (i == 1 and q['titleOnly']): continue
            mask[b, i - 1] = 1
            y[b, i - 1] = 1.0 if i == q['gold'] else 0.0
    return w, s, torch.tensor([len(q['tokens']) for q in qs]), mask, y


def decode(q, z):
    """quoteLength's choice: the likeliest end, where no end before it and an end there."""
    end, best, best_log, survive = q['lim'], q['lim'], -math.inf, 0.0
    for i in range(1, end):
        if i <= q['upto'] and q['open'][i]: continue
        zi = z[i - 1] if i - 1 < len(z) else q['lin'][i - 1] if i - 1 < len(q['lin']) else None
        if zi is None: break
        lp, lq = -math.log1p(math.exp(-zi)), -math.log1p(math.exp(zi))
        if i == 1 and q['titleOnly']:
            survive += lq
            continue
        if survive + lp > best_log: best_log, best = survive + lp, i
        survive += lq
        if survive < best_log: return best
    return end if survive > best_log else best


def held_out(model):
    model.eval()
    found = {'network': 0, 'linear': 0, 'both': 0}
    with torch.no_grad():
        for k in range(0, len(test), 64):
            qs = test[k:k + 64]
            w, s, lengths, _, _ = batch(qs)
            z = model(w, s, lengths)
            for b, q in enumerate(qs):
                zn = z[b, :len(q['tokens']) - 1].tolist()
                zl = q['lin'][:len(zn)]
                for name, zz in (('network', zn), ('linear', zl), ('both', [(a + c) / 2 for a, c in zip(zn, zl)])):
                    found[name] += decode(q, zz) == q['gold']
    model.train()
    return found


model = QuoteNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
bce = nn.BCEWithLogitsLoss(reduction='none')
train.sort(key=lambda q: len(q['tokens']))
batches = [train[k:k + 32] for k in range(0, len(train), 32)]
for epoch in range(EPOCHS):
    random.shuffle(batches)
    total, t0 = 0.0, time.time()
    for qs in batches:
        w, s, lengths, mask, y = batch(qs)
        loss = (bce(model(w, s, lengths), y) * mask).sum() / len(qs)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5)
        opt.step()
        total += loss.item()
    for g in opt.param_groups: g['lr'] *= 0.8
    print(f'epoch {epoch + 1}/{EPOCHS}: loss {total / len(batches):.3f} ({time.time() - t0:.0f} s)', file=sys.stderr)
found = held_out(model)
n = len(test)
print('held-out quote ends found: ' + ', '.join(f'{k} {v} of {n} ({100 * v / n:.1f}%)' for k, v in found.items()), file=sys.stderr)


def f32(t): return base64.b64encode(t.detach().contiguous().flatten().numpy().astype('<f4').tobytes()).decode()


emb = model.words.weight.detach()
scale = emb.abs().max(1).values.clamp(min=1e-6) / 127
q8 = torch.round(emb / scale[:, None]).clamp(-127, 127).to(torch.int8)
st = model.state_dict()
data = {
    'vocab': '\n'.join(vocab), 'shapes': shapes, 'dim': DIM, 'shapeDim': SHAPE_DIM, 'hidden': HIDDEN, 'mlpHidden': MLP,
    'emb': base64.b64encode(q8.numpy().tobytes()).decode(), 'embScale': f32(scale), 'shapeEmb': f32(st['shapes.weight']),
    'wih': f32(st['rnn.weight_ih_l0']), 'whh': f32(st['rnn.weight_hh_l0']), 'bih': f32(st['rnn.bias_ih_l0']), 'bhh': f32(st['rnn.bias_hh_l0']),
    'wihR': f32(st['rnn.weight_ih_l0_reverse']), 'whhR': f32(st['rnn.weight_hh_l0_reverse']),
    'bihR': f32(st['rnn.bias_ih_l0_reverse']), 'bhhR': f32(st['rnn.bias_hh_l0_reverse']),
    'w1': f32(st['mlp.0.weight']), 'b1': f32(st['mlp.0.bias']), 'w2': f32(st['mlp.2.weight']), 'b2': f32(st['mlp.2.bias']),
}
with open(OUT, 'w') as f:
    f.write("import type { QuoteNetData } from './quote-net.js';\n\n")
    f.write(f'/** Generated by scripts/quote-net/train.py from {len(train)} quote windows of original-form KB articles (seed {SEED}, {EPOCHS} epochs). Do not edit. */\n')
    f.write(f'export const QUOTE_NET_DATA: QuoteNetData = {json.dumps(data)};\n')
# A check for the TypeScript side (test/quote-net.test.ts): the logits torch computes, with the int8 word
# vectors as written, on the project's own example text.
EXAMPLES = [
    'Setup cannot continue because the file KBBOT.DLL is missing. Reinstall the program and try again. This problem occurs because the setup program reads the wrong folder.',
    '"Unable to open the knowledge base (error 0x80070005)." To work around this problem, grant the service account read access to the folder.',
    'The operation failed: Access is denied. Microsoft has confirmed that this is a problem in the products listed at the beginning of this article.',
    'Warning: the index is out of date - rebuild it now? Click Yes to rebuild the index, or click No to use it as it is.',
]
model.eval()
with torch.no_grad():
    model.words.weight.copy_(q8.float() * scale[:, None])
    checks = []
    for text in EXAMPLES:
        tokens = text.split(' ')
        q = {'tokens': tokens, 'w': [ids.get(word(t), 1) for t in tokens], 's': [shapes.get(net_shape(t), 0) for t in tokens], 'upto': 0, 'open': [0], 'titleOnly': 0, 'gold': 0}
        w, s, lengths, _, _ = batch([q])
        checks.append({'tokens': tokens, 'logits': [round(x, 4) for x in model(w, s, lengths)[0].tolist()]})
fixture = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'quote-net-logits.json')
json.dump(checks, open(fixture, 'w'), indent=1)
print(f'wrote {OUT}', file=sys.stderr)
