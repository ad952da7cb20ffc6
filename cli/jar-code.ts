/**
 * How `playground upgrade --jar` hands a jar to Managed Flink: on AWS it goes to S3, next to the
 * application's code, under a key of its own (so the object of every earlier version stays, for a
 * rollback), and UpdateApplication points at it; locally there is no S3, so the jar goes in the
 * request itself as ZipFileContentUpdate, which the local control plane keeps per version.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ApplicationDetail, ApplicationCodeConfigurationUpdate } from '@aws-sdk/client-kinesis-analytics-v2';
import { UPGRADE_CODE_PREFIX } from '../infra/lib/code-location';
import { MAX_ZIP_FILE_CONTENT } from '../infra/lib/msf-limits';
import { PlayError, UsageError } from './errors';



export interface Jar {
  readonly path: string;
  readonly bytes: Buffer;
  readonly sha256: string;
}

/** Reads the jar at `path`; a missing file or one that is not a jar (zip) is a usage error. */
export function readJar(path: string): Jar {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) throw new UsageError(`--jar ${path} is not a file`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--jar ${path} cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) throw new UsageError(`--jar ${path} is not a jar (no zip header)`);
  return { path, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Locally: the jar's bytes in the request (ZipFileContentUpdate), within MSF's size limit. */
export function zipCodeUpdate(jar: Jar): ApplicationCodeConfigurationUpdate {
  const base64Length = Math.ceil(jar.bytes.length / 3) * 4;
  if (base64Length > MAX_ZIP_FILE_CONTENT) {
    throw new UsageError(
      `--jar ${jar.path} is ${jar.bytes.length} bytes, ${base64Length} in base64: more than the ${MAX_ZIP_FILE_CONTENT} MSF takes as ZipFileContent`,
    );
  }
  return { CodeContentTypeUpdate: 'ZIPFILE', CodeContentUpdate: { ZipFileContentUpdate: new Uint8Array(jar.bytes) } };
}

/** The bucket (name and ARN) of the application's code location, from DescribeApplication. */
function codeBucket(detail: ApplicationDetail): { readonly name: string; readonly arn: string } {
  const location = detail.ApplicationConfigurationDescription?.ApplicationCodeConfigurationDescription?.CodeContentDescription?.S3ApplicationCodeLocationDescription;
  const arn = location?.BucketARN;
  const name = arn ? /^arn:[^:]+:s3:::([^/]+)$/.exec(arn)?.[1] : undefined;
  if (!arn || !name) {
    throw new PlayError(`${detail.ApplicationName ?? 'the application'} has no S3 code location (DescribeApplication names no BucketARN), so there is nowhere to upload the jar`);
  }
  return { name, arn };
}

/** On AWS: puts the jar at `playground-upgrades/<sha256>.jar` in the code bucket; returns the update that points at it. */
export async function uploadJar(s3: S3Client, detail: ApplicationDetail, jar: Jar): Promise<{ readonly key: string; readonly bucket: string; readonly update: ApplicationCodeConfigurationUpdate }> {
  const bucket = codeBucket(detail);
  const key = `${UPGRADE_CODE_PREFIX}${jar.sha256}.jar`;
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket.name,
      Key: key,
      Body: jar.bytes,
      ContentType: 'application/java-archive',
      ChecksumAlgorithm: 'SHA256',
    }),
  );
  return {
    key,
    bucket: bucket.name,
    update: { CodeContentTypeUpdate: 'ZIPFILE', CodeContentUpdate: { S3ContentLocationUpdate: { BucketARNUpdate: bucket.arn, FileKeyUpdate: key } } },
  };
}
