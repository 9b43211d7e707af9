import type { FixRecord } from '../../../src/memory/types.js';

export interface FixQuery {
  split: 'dev' | 'held';
  type: 'repaste' | 'partial' | 'paraphrase' | 'other' | 'generic' | 'common';
  /** The fix the answer should lead with; null: none should. */
  lead: string | null;
  text: string;
}
export interface FixSetDeps {
  title: (input: { given?: string | null; errors?: readonly string[]; text?: string | null }) => string;
  codes: (text: string) => string[];
}
export interface LeadIndex {
  search(message: string): { fix: FixRecord; confidence: number }[];
  leads(hit: { fix: FixRecord; confidence: number }): boolean;
}
export interface LeadMiss {
  text: string;
  type: string;
  want: string | null;
  got: string | null;
  confidence: number;
}
export interface LeadResult {
  leads: number;
  right: number;
  precision: number;
  byType: Record<string, { n: number; right: number; recall: number }>;
  wrong: LeadMiss[];
  missed: LeadMiss[];
}

export const LEAD_TYPES: string[];
export function loadFixSet(deps: FixSetDeps): { fixes: FixRecord[]; queries: FixQuery[] };
export function syntheticFixes(n: number, deps: FixSetDeps, seed?: number): FixRecord[];
export function evaluateLeads(
  build: (fixes: FixRecord[]) => LeadIndex,
  fixSets: FixRecord[][],
  queries: FixQuery[],
): LeadResult;
export function fivesOf(fixes: FixRecord[]): FixRecord[][];
