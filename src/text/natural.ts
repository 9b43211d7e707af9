/**
 * The three parts of the `natural` package kbbot uses (the Porter stemmer, the Bayes classifier and
 * the word tokenizer), loaded quietly (see quiet-env.ts). Import natural from here, never directly.
 *
 * Loaded one module each rather than `import natural from 'natural'`: the package's index loads
 * everything it has, its MongoDB, Redis and Postgres storage back ends included, which costs about
 * 110 MB of memory and a second at every process start (docs/design-compact-index.md section 4);
 * these three cost about 8 MB and 20 ms. The package has no `exports` map, so its files can be
 * required by path; their types are the package's own.
 */
import './quiet-env.js';
import { createRequire } from 'node:module';
import type Natural from 'natural';

const require = createRequire(import.meta.url);

const natural = {
  PorterStemmer: require('natural/lib/natural/stemmers/porter_stemmer.js') as typeof Natural.PorterStemmer,
  BayesClassifier: require('natural/lib/natural/classifiers/bayes_classifier.js') as typeof Natural.BayesClassifier,
  WordTokenizer: (
    require('natural/lib/natural/tokenizers/regexp_tokenizer.js') as { WordTokenizer: typeof Natural.WordTokenizer }
  ).WordTokenizer,
};

export default natural;
