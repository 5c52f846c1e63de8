// A run that cannot start (a filter matching nothing, a server that is down or refuses the key): reported as one
// line before any case runs, instead of the same failure once per case.
export class ConformanceSetupError extends Error {}
