import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_ZIP_FILE_CONTENT } from '../../infra/lib/msf-limits';
import { invalidArgument } from './errors';
import type { CodeRecord, Json } from './model';
import { optionalObject, optionalString } from './requests';

/**
 * The application code the control plane keeps. MSF takes a Flink application's code as an S3
 * location or as ZipFileContent (the jar's bytes, base64 in the JSON body, at most 52,428,800);
 * locally an S3 location has no bucket behind it, so a new jar comes as ZipFileContent and is kept
 * under the application's folder, one immutable file per distinct jar (named by its SHA-256), which
 * every version that runs that code points at.
 */

/** The jar file of a stored code record: `<applications>/<name>/code/<sha256>.jar`. */
export function codeFile(applicationsDir: string, application: string, code: CodeRecord): string {
  return path.join(applicationsDir, application, 'code', code.file);
}

/** What a CodeContent (CreateApplication) or CodeContentUpdate (UpdateApplication) gives. */
export interface CodeChange {
  /** The S3 location as given (recorded; locally the stack's job jar runs for it). */
  readonly s3?: Json;
  /** The jar's bytes (ZipFileContent), to store. */
  readonly zip?: Buffer;
}

/**
 * Reads `CodeContent` (`isUpdate`: `CodeContentUpdate`, whose keys end in `Update`). An S3 update
 * merges over `currentS3` (MSF keeps the parts it is not given). TextContent is for SQL
 * applications only.
 */
export function codeChangeFrom(content: Json | undefined, currentS3: Json | undefined, isUpdate: boolean): CodeChange | undefined {
  if (!content) return undefined;
  const suffix = isUpdate ? 'Update' : '';
  if (content[`TextContent${suffix}`] !== undefined) throw invalidArgument('TextContent is for SQL applications; a Flink application takes a jar');
  const zip = content[`ZipFileContent${suffix}`];
  const s3 = optionalObject(content, isUpdate ? 'S3ContentLocationUpdate' : 'S3ContentLocation');
  if (zip !== undefined && s3) throw invalidArgument('Give either ZipFileContent or an S3 content location, not both');
  if (zip !== undefined) {
    if (typeof zip !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(zip)) throw invalidArgument(`ZipFileContent${suffix} must be base64`);
    if (zip.length > MAX_ZIP_FILE_CONTENT) {
      throw invalidArgument(`ZipFileContent${suffix} is ${zip.length} characters; at most ${MAX_ZIP_FILE_CONTENT} are allowed (use an S3 location)`);
    }
    const bytes = Buffer.from(zip, 'base64');
    if (bytes.length === 0) throw invalidArgument(`ZipFileContent${suffix} is empty`);
    return { zip: bytes };
  }
  if (!s3) return undefined;
  if (!isUpdate) return { s3 };
  const bucket = optionalString(s3, 'BucketARNUpdate');
  const key = optionalString(s3, 'FileKeyUpdate');
  const version = optionalString(s3, 'ObjectVersionUpdate');
  const location: Json = {
    ...(currentS3 ?? {}),
    ...(bucket !== undefined ? { BucketARN: bucket } : {}),
    ...(key !== undefined ? { FileKey: key } : {}),
    ...(version !== undefined ? { ObjectVersion: version } : {}),
  };
  if (location.BucketARN === undefined || location.FileKey === undefined) {
    throw invalidArgument('S3ContentLocationUpdate needs BucketARNUpdate and FileKeyUpdate: the application has no S3 code location to keep them from');
  }
  return { s3: location };
}

/** A jar's record: its file name (by SHA-256), hashes and size. */
export function codeRecordOf(bytes: Buffer): CodeRecord {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const md5 = createHash('md5').update(bytes).digest('hex');
  return { file: `${sha256}.jar`, sha256, md5, size: bytes.length };
}

/** Writes a jar into the application's code folder, once per distinct content (read-only, never replaced). */
export function writeCode(applicationsDir: string, application: string, code: CodeRecord, bytes: Buffer): void {
  const file = codeFile(applicationsDir, application, code);
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, bytes, { mode: 0o444 });
  renameSync(partial, file);
}
