/**
 * A second process for the study-lock tests: takes the lock of the folder given as its argument,
 * prints "locked <pid>", and holds it until its stdin closes (or it is killed, leaving a stale lock).
 */
import { acquireStudyLock } from '../../src/core/study/studyLock';

const lock = acquireStudyLock(process.argv[2]);
process.stdout.write(`locked ${process.pid}\n`);
process.stdin.resume();
process.stdin.on('end', () => { lock.release(); process.exit(0); });
