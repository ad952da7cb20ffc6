/**
 * Managed Service for Apache Flink's limits that the CDK configuration, the `scale` play and the
 * local control plane all enforce (a module without imports, so the CLI and the local stack can
 * take it without loading the CDK).
 */

/** MSF's ceiling on ParallelismPerKPU. */
export const MAX_PARALLELISM_PER_KPU = 8;

/** KPUs per application by default on AWS (a quota that can be raised). */
export const DEFAULT_MAX_KPUS_AWS = 32;

/** The most base64 characters of ZipFileContent / ZipFileContentUpdate (the jar in the request). */
export const MAX_ZIP_FILE_CONTENT = 52_428_800;
