import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MissingToolError } from './errors';

const run = promisify(execFile);

/** The major version of the `java` on the PATH; throws MissingToolError when there is none. */
export async function javaMajorVersion(java = 'java'): Promise<number> {
  let output: string;
  try {
    const { stderr, stdout } = await run(java, ['-XshowSettings:properties', '-version'], { timeout: 30_000 });
    output = `${stdout}\n${stderr}`;
  } catch (error) {
    throw new MissingToolError(
      `Java was not found (${java}): the local stack needs JDK 17 or newer on the PATH (e.g. apt-get install openjdk-17-jdk-headless)`,
      { cause: error },
    );
  }
  const match = /java\.specification\.version = (\d+)/.exec(output);
  return match ? Number(match[1]) : 0;
}

/** Checks that JDK 17+ and Maven are on the PATH, with a message naming what to install. */
export async function checkTools(tools: { java?: string; mvn?: string } = {}): Promise<void> {
  const major = await javaMajorVersion(tools.java);
  if (major < 17) {
    throw new MissingToolError(`Java ${major || '(unknown version)'} found, but the local stack needs JDK 17 or newer`);
  }
  try {
    await run(tools.mvn ?? 'mvn', ['-v'], { timeout: 60_000 });
  } catch (error) {
    throw new MissingToolError(
      `Maven was not found (${tools.mvn ?? 'mvn'}): the local stack resolves Flink, Kafka and DynamoDB Local from Maven Central with Maven 3.8+ (e.g. apt-get install maven)`,
      { cause: error },
    );
  }
}
