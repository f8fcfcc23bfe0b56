/**
 * What the router holds for an API in the proxy and the authorizer: the API compiled on its first
 * match and kept (issue 8: a cold start does not grow with the group). `compile` must never throw:
 * a part that cannot be used fails closed in what it returns.
 */
export class CompiledOnFirstUse<T> {
  private value?: T;

  public constructor(private readonly compile: () => T) {}

  /** The compiled API: compiled on the first read, the same object afterwards. */
  public get compiled(): T {
    return this.value ??= this.compile();
  }
}
