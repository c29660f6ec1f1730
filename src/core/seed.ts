/** The largest seed: every generator of the course (Python, Ruby, awk, the JVM's int) takes it as it is. */
export const MAX_SEED = 2_147_483_647;
