export { RestCatalog, REST_PROPERTIES, type RestCatalogOptions, type StagedTable } from "./RestCatalog.js";
export { RestTableCommitter } from "./RestTableCommitter.js";
export { RestAuth, type RestAuthOptions } from "./RestAuth.js";
export { RestHttpClient, DEFAULT_RETRY_POLICY, type RetryPolicy, type RestHttpClientOptions } from "./RestHttpClient.js";
export { RestEndpoints, ENDPOINTS, DEFAULT_ENDPOINTS, DEFAULT_NAMESPACE_SEPARATOR, type EndpointName } from "./restEndpoints.js";
export { errorKind, parseErrorModel, type ErrorMapping, type ErrorModel } from "./restErrors.js";
export { fetchRestConfig, mergeRestConfig, type RestCatalogConfig } from "./restConfig.js";
