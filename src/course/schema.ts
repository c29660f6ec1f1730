import { z } from 'zod';

export const textSchema = z.object({ en: z.string().min(1), ko: z.string().min(1) }).strict();

export const portSchema = z
  .object({
    port: z.number().int().min(1).max(65535),
    service: z.string().min(1),
    purpose: textSchema,
    /** How a person reaches it, e.g. http://localhost:{port}/ (shown on the endpoint card). */
    url: z.string().optional(),
    /**
     * Also published in private (selftest/grade) stacks, on 127.0.0.1 at a free port de-lab picks;
     * steps and checks get that port as {port:N}. For what must be reached from the engine's host
     * (the Docker fluentd logging driver), never for convenience.
     */
    private: z.boolean().optional(),
  })
  .strict();

export const serviceInfoSchema = z
  .object({
    name: z.string().min(1),
    /** How another container on the day's network reaches it. */
    internal: z.string().optional(),
    /** What readiness means, shown while waiting. */
    ready: textSchema.optional(),
  })
  .strict();

/**
 * A day's data generator, run by `de-lab gen <day>` inside a service of the running stack.
 * `flags` maps de-lab gen's options (seed, count, wave, rate, lateShare, topic) to the
 * generator's own flags; an option without a flag here is refused for that day. `seed` is
 * required: a generator has no seed of its own, and `de-lab gen` always passes one.
 */
const flag = z.string().startsWith('-');

export const generatorSchema = z
  .object({
    service: z.string().min(1),
    command: z.array(z.string()).min(1),
    description: textSchema,
    /** Run once before the generator, e.g. to create the topic; may use {topic}. */
    prepare: z.array(z.string()).min(1).optional(),
    flags: z
      .object({ seed: flag })
      .merge(z.object({ count: flag, wave: flag, rate: flag, lateShare: flag, topic: flag }).partial())
      .strict(),
    defaults: z
      .object({
        topic: z.string().optional(),
        count: z.number().int().positive().optional(),
        wave: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    /** A flag that makes the generator print one JSON summary line on stdout (for --json). */
    jsonFlag: z.string().startsWith('-').optional(),
  })
  .strict();

/**
 * A long-lived helper that `de-lab grade` starts in a service of every private stack, before it
 * records what runs there (so it is not taken for a learner's leftover), e.g. day 4's warm Spark
 * driver. Steps use it or not as they like; `ready` exits 0 once it serves. Learner stacks
 * (`de-lab check`, `de-lab run`) never get one.
 */
export const residentSchema = z
  .object({
    service: z.string().min(1),
    command: z.array(z.string()).min(1),
    ready: z.array(z.string()).min(1),
    /** Seconds to wait for `ready`; after that grading goes on without it. */
    timeoutSec: z.number().positive().default(60),
  })
  .strict();

/**
 * A process that the exercises themselves make a service run (day 5's Kafka supervisor task in
 * Druid, day 2's aggregators after a failover): not a learner's leftover, so a private stack is
 * not recreated for it. Matched by service and a text its command line contains.
 */
export const requiredProcessSchema = z
  .object({
    service: z.string().min(1),
    command: z.string().min(3),
  })
  .strict();

/**
 * Something a day's stack keeps between starts in its volumes (Kafka topics, Druid datasources,
 * History Server runs), and how to list it cheaply: a command in a running service that prints one
 * name a line. `start` and `gen` say what is there, so a new workspace is not silently run on an
 * old stack's data, and how to empty it (`de-lab stop <day> --purge`).
 */
export const dataProbeSchema = z
  .object({
    what: textSchema,
    service: z.string().min(1),
    list: z.array(z.string()).min(1),
    /** false: only the count is shown (names such as local-1733… say nothing to a learner). */
    names: z.boolean().default(true),
  })
  .strict();

/** kebab-case: exercise and check ids, folder names. */
export const kebabId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use kebab-case: lowercase letters, digits and single dashes');

/**
 * A known way a learner's program fails under `de-lab run`: a regular expression over its output
 * (and/or its exit code) and one sentence with the next step. {day}, {exercise}, {file} and {dir}
 * (the exercise folder on this machine) are filled in. A lab's own signatures come before de-lab's.
 */
export const failureSignatureSchema = z
  .object({
    id: kebabId,
    match: z.string().min(1).optional(),
    exitCode: z.number().int().optional(),
    message: textSchema,
  })
  .strict()
  .refine((s) => s.match !== undefined || s.exitCode !== undefined, 'give match, exitCode or both');

/** labs/dayN/lab.yaml, the day-level part. Each exercise is labs/dayN/exercises/<id>/ (see exercises.ts). */
export const labSchema = z
  .object({
    id: z.string().regex(/^day[1-9]$/, 'id must look like day1 … day9'),
    title: textSchema,
    summary: textSchema,
    compose: z.string().default('compose.yaml'),
    /** Memory the whole stack needs, measured; doctor and start compare it with the engine's. */
    memoryMiB: z.number().int().positive(),
    ports: z.array(portSchema).default([]),
    services: z.array(serviceInfoSchema).default([]),
    next: textSchema.optional(),
    /** Where <workspace>/dayN appears inside the day's containers (every service that mounts it uses this path). */
    workspaceMount: z.string().startsWith('/').optional(),
    /** Exercise ids in the order learners meet them. */
    exercises: z.array(kebabId).default([]),
    /** Optional: the day's data generator, for `de-lab gen`. */
    generator: generatorSchema.optional(),
    /** Optional: failure signatures of this day's programs, tried before de-lab's own (see run-failures.ts). */
    failures: z.array(failureSignatureSchema).default([]),
    /** Optional: a helper process for graders' private stacks (see residentSchema). */
    resident: residentSchema.optional(),
    /** Optional: processes the exercises require, never counted as a learner's leftovers (see requiredProcessSchema). */
    requiredProcesses: z.array(requiredProcessSchema).optional(),
    /** Optional: what the stack keeps between starts, and how to list it (see dataProbeSchema). */
    data: z.array(dataProbeSchema).default([]),
  })
  .strict();

export type LabManifest = z.infer<typeof labSchema>;

/** A path inside an exercise folder: relative, forward slashes, no `..`. */
const relativePath = z
  .string()
  .min(1)
  .refine(
    (path) =>
      !path.startsWith('/') &&
      !/^[a-zA-Z]:/.test(path) &&
      !path.includes('\\') &&
      path.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    'use a relative path with forward slashes and no "." or ".." parts',
  );

/**
 * The fields of a check that the course model reads. Kind-specific fields pass through;
 * src/grading validates them.
 */
export const checkCommonSchema = z.looseObject({
  id: kebabId,
  kind: z.string().min(1),
  title: textSchema,
  weight: z.number().positive().default(1),
  timeoutSec: z.number().positive().default(60),
  dependsOn: z.array(kebabId).default([]),
});

/** Steps run before the checks; only their id and kind matter here (src/grading validates the rest). */
export const stepCommonSchema = z.looseObject({ id: kebabId, kind: z.string().min(1) });

/** How `de-lab run` starts the learner's program in the day's stack; `{file}` is the first of `files`. */
export const runSchema = z
  .object({
    service: z.string().min(1),
    command: z.array(z.string()).min(1),
    workdir: z.string().optional(),
  })
  .strict();

/** labs/dayN/exercises/<id>/exercise.yaml. */
export const exerciseSchema = z
  .object({
    id: kebabId,
    title: textSchema,
    summary: textSchema,
    /** What the learner edits, relative to the exercise folder; each exists in starter/ and solution/. */
    files: z.array(relativePath).min(1),
    /** Exercises of the same day to do first. */
    dependsOn: z.array(kebabId).default([]),
    hints: z.array(textSchema).min(1, 'give at least one hint'),
    run: runSchema.optional(),
    steps: z.array(stepCommonSchema).default([]),
    checks: z.array(checkCommonSchema).min(1, 'give at least one check'),
  })
  .strict();

export type ExerciseManifest = z.infer<typeof exerciseSchema>;
export type CheckCommon = z.infer<typeof checkCommonSchema>;
