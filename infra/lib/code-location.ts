/**
 * Where `playground upgrade --jar` puts new job jars on AWS: this prefix of the application's code
 * bucket (the CDK assets bucket that holds the deployed jar), one object per jar named by its
 * SHA-256, so every earlier version's object stays for a rollback. The application's service role
 * may read objects under it (infra/lib/constructs/flink-application.ts); the operator needs
 * s3:PutObject on it (docs/aws.md).
 */
export const UPGRADE_CODE_PREFIX = 'playground-upgrades/';
