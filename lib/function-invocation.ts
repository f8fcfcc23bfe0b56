/** How a function backend is invoked (Huawei APIG: a FunctionGraph backend's invocation type). */
export enum FunctionInvocation {
  /**
   * Synchronously (Lambda `RequestResponse`): the function's proxy result is the answer.
   */
  SYNC = 'SYNC',
  /**
   * Asynchronously (Lambda `Event`): the function is queued and the caller is answered at once with
   * 202 and `{"request_id": "<the request id>"}`, the reply of FunctionGraph's own asynchronous
   * invocation API (Huawei does not document what its gateway answers); the function's result is
   * not returned.
   */
  ASYNC = 'ASYNC',
}
