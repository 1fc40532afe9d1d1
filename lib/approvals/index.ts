/**
 * lib/approvals: the maker-checker rules (./maker-checker), the approval queue (./queue) and its
 * reads (./queries). Fundings, releases, agreement versions and client activations all decide
 * through these.
 */
export * from './maker-checker';
export * from './queue';
export * from './queries';
