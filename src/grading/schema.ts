import { z } from 'zod';
import { textSchema } from '../course/schema.js';

/**
 * What an exercise's `steps:` and `checks:` may say (labs/dayN/exercises/<id>/exercise.yaml).
 *
 * Strings in steps and checks may use placeholders, filled per run:
 *   {seed}      the data seed (fixed for learners; an instructor may pass a hidden one to `grade`)
 *   {role}      learner | reference (the reference solution runs with the same seed)
 *   {day} {exercise}
 *   {workdir}   host folder holding the files being graded (the learner's, or a copy of the solution)
 *   {mount}     the same folder as seen inside the day's containers (e.g. /home/spark/work/day4/windowed-counts)
 *   {project}   the day's Compose project; {network} its default network
 *   {prefix}    the image prefix (config imagePrefix)
 *   {unique}    short id unique to this run (names of images, topics, containers)
 */

const idSchema = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use kebab-case: lowercase letters, digits and dashes');

/** How text output is compared: exactly, containing, or by regular expression. */
export const textMatchSchema = z
  .object({
    equals: z.string().optional(),
    contains: z.string().optional(),
    matches: z.string().optional(),
    notContains: z.string().optional(),
  })
  .strict()
  .refine((m) => Object.values(m).some((v) => v !== undefined), 'give equals, contains, matches or notContains');

/** `reference` = the value the same check observed when run against the reference solution. */
const REFERENCE = z.literal('reference');

const rowsSchema = z.union([REFERENCE, z.array(z.array(z.unknown()))]);

const common = {
  id: idSchema,
  title: textSchema,
  weight: z.number().positive().default(1),
  timeoutSec: z.number().positive().default(60),
  dependsOn: z.array(idSchema).default([]),
  /** Observe again until the expectation holds or untilSec passes (streaming results settle over time). */
  retry: z
    .object({ untilSec: z.number().positive(), everySec: z.number().positive().default(2) })
    .strict()
    .optional(),
};

export const commandCheck = z
  .object({
    ...common,
    kind: z.literal('command'),
    /** Exec in this service of the day's stack (or of `project`) … */
    service: z.string().optional(),
    /** The Compose project `service` belongs to; default the day's ({project}). E.g. {project}-{exercise}-{role}. */
    project: z.string().optional(),
    /** … or run a fresh, limited container of this image on the day's network. */
    image: z.string().optional(),
    /** With `image`: another network to join, e.g. a learner's own project: {project}-{exercise}-{role}_default. */
    network: z.string().optional(),
    command: z.union([z.string(), z.array(z.string())]),
    user: z.string().optional(),
    expect: z
      .object({
        exitCode: z.number().int().optional(),
        stdout: textMatchSchema.optional(),
        stderr: textMatchSchema.optional(),
        stdoutEqualsReference: z.boolean().optional(),
      })
      .strict()
      // A check with nothing to expect passes any run: it cannot fail.
      .refine(
        (e) =>
          e.exitCode !== undefined ||
          e.stdout !== undefined ||
          e.stderr !== undefined ||
          e.stdoutEqualsReference === true,
        { message: 'a command check must expect something: exitCode, stdout, stderr or stdoutEqualsReference' },
      ),
  })
  .strict();

export const httpCheck = z
  .object({
    ...common,
    kind: z.literal('http'),
    url: z.string(),
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD']).default('GET'),
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    expect: z
      .object({
        status: z.number().int().optional(),
        body: textMatchSchema.optional(),
        json: z
          .array(
            z.object({ path: z.string(), equals: z.unknown().optional(), matches: z.string().optional() }).strict(),
          )
          .optional(),
      })
      .strict(),
  })
  .strict();

export const fileCheck = z
  .object({
    ...common,
    kind: z.literal('file'),
    /** Relative to {workdir} on the host, unless `service` says to read it inside that container. */
    path: z.string(),
    service: z.string().optional(),
    /** csv/jsonl/json(array of objects) are compared as rows, in any order unless orderMatters. */
    format: z.enum(['text', 'csv', 'jsonl', 'json']).default('text'),
    expect: z
      .object({
        exists: z.boolean().optional(),
        text: textMatchSchema.optional(),
        rows: rowsSchema.optional(),
        tolerance: z.number().nonnegative().default(1e-6),
        orderMatters: z.boolean().default(false),
      })
      .strict(),
  })
  .strict();

export const kafkaTopicCheck = z
  .object({
    ...common,
    kind: z.literal('kafka-topic'),
    service: z.string().default('kafka'),
    topic: z.string(),
    expect: z
      .object({
        exists: z.boolean().optional(),
        partitions: z.number().int().positive().optional(),
        count: z.union([z.number().int().nonnegative(), REFERENCE]).optional(),
        /** Records equal the reference's, compared by key; values that are JSON compare as JSON. */
        records: REFERENCE.optional(),
        tolerance: z.number().nonnegative().default(1e-6),
      })
      .strict(),
  })
  .strict();

export const sqlCheck = z
  .object({
    ...common,
    kind: z.literal('sql'),
    engine: z.enum(['mariadb', 'druid']),
    service: z.string().optional(),
    /** The Compose project of `service`; default the day's. */
    project: z.string().optional(),
    database: z.string().optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    query: z.string(),
    expect: z
      .object({
        rows: rowsSchema,
        tolerance: z.number().nonnegative().default(1e-6),
        orderMatters: z.boolean().default(false),
      })
      .strict(),
  })
  .strict();

const joinStrategy = z.enum([
  'BroadcastHashJoin',
  'SortMergeJoin',
  'ShuffledHashJoin',
  'BroadcastNestedLoopJoin',
  'CartesianProduct',
]);
/** One output path or several (the query that writes any of them). */
const paths = z.union([z.string(), z.array(z.string()).nonempty()]);

export const sparkMetricsCheck = z
  .object({
    ...common,
    kind: z.literal('spark-metrics'),
    /**
     * The event-log folder of this one run, which a grader step made empty before the job and passed
     * to it (spark-submit --conf spark.eventLog.dir=file://…): it must then hold exactly one finished
     * application log, or the check fails saying why. On the host (relative to {workdir}), or inside `service`.
     */
    eventLogDir: z.string(),
    /** The application's name must match (regex). */
    app: z.string().optional(),
    /** Read the event logs inside this service's container (eventLogDir is then an absolute path there), not on the host. */
    service: z.string().optional(),
    /** The application must have been started with `--conf spark.delab.run=<tag>` (e.g. {unique}: the run the grader launched). */
    tag: z.string().optional(),
    /** Where a learner sees that application; {appId} is filled in, e.g. http://localhost:18080/history/{appId}/. */
    historyUrl: z.string().optional(),
    expect: z
      .object({
        maxShuffleWriteBytes: z.number().optional(),
        maxShuffleReadBytes: z.number().optional(),
        maxSpillBytes: z.number().optional(),
        /** Max task duration / median task duration within the slowest stage. */
        maxSkewRatio: z.number().optional(),
        minStages: z.number().int().optional(),
        maxStages: z.number().int().optional(),
        minPartitions: z.number().int().optional(),
        maxPartitions: z.number().int().optional(),
        joinStrategy: joinStrategy.optional(),
        planContains: z.array(z.string()).optional(),
        planNotContains: z.array(z.string()).optional(),
        /** Operator tree of each query's last (for AQE: final) plan contains / lacks this text. */
        finalPlanContains: z.array(z.string()).optional(),
        finalPlanNotContains: z.array(z.string()).optional(),
        /** Records read per task (longest / median) in the most uneven stage that reads shuffle data. */
        maxShuffleReadSkew: z.number().positive().optional(),
        /** File scans of `path` (an absolute folder, or a table's name): partitions and files read, how often it ran. */
        scans: z
          .array(
            z
              .object({
                path: z.string(),
                /** Only the scans of the query that writes this path (or one of these). */
                query: paths.optional(),
                maxPartitionsRead: z.number().int().optional(),
                minPartitionsRead: z.number().int().optional(),
                maxFilesRead: z.number().int().optional(),
                /** Queries that actually read it (rows > 0): 1 = computed once. */
                maxExecutions: z.number().int().optional(),
                minExecutions: z.number().int().optional(),
                bucketed: z.boolean().optional(),
              })
              .strict(),
          )
          .optional(),
        /** A cache of the frame built from all of `of` (scanned paths), read back by ≥ minQueries queries (InMemoryTableScan). */
        cache: z
          .object({ of: z.array(z.string()).nonempty(), minQueries: z.number().int().positive().default(2) })
          .strict()
          .optional(),
        /** Every cached RDD was released again (unpersist). */
        unpersisted: z.boolean().optional(),
        /** The last write to `path` (the exercise's output folder): its files, rows per writing task, partition folders. */
        write: z
          .object({
            path: z.string(),
            files: z.number().int().optional(),
            /** Largest / smallest rows written by one task. */
            maxSkew: z.number().positive().optional(),
            /** Partition folders written (partitionBy). */
            minPartitions: z.number().int().optional(),
          })
          .strict()
          .optional(),
        /**
         * The joins whose two sides read `inputs` (one each; absolute folders/files or table names), in the
         * query that writes `query`: at least one must be there, and every one must be as said.
         */
        joins: z
          .array(
            z
              .object({
                inputs: z.tuple([z.string(), z.string()]),
                query: paths.optional(),
                type: z
                  .enum(['Inner', 'LeftOuter', 'RightOuter', 'FullOuter', 'LeftSemi', 'LeftAnti', 'Cross'])
                  .optional(),
                strategy: z.union([joinStrategy, z.array(joinStrategy).nonempty()]).optional(),
                /** A broadcast join whose broadcast side reads this input (and not the other). */
                broadcast: z.string().optional(),
                /** Records read per task (longest / median) in the stages that ran the join. */
                maxShuffleReadSkew: z.number().positive().optional(),
                /** The query running the join has no Exchange (no shuffle, no broadcast). */
                noExchange: z.boolean().optional(),
              })
              .strict(),
          )
          .optional(),
      })
      .strict(),
  })
  .strict();

export const dockerImageCheck = z
  .object({
    ...common,
    kind: z.literal('docker-image'),
    image: z.string(),
    expect: z
      .object({
        exists: z.boolean().optional(),
        /** "non-root" accepts any user other than root/0/empty. */
        user: z.string().optional(),
        entrypoint: z.array(z.string()).optional(),
        cmd: z.array(z.string()).optional(),
        exposedPorts: z.array(z.string()).optional(),
        maxSizeMB: z.number().positive().optional(),
        /** An image id or tag the image must be built on (its layers start with the base's). */
        baseImage: z.string().optional(),
        env: z.record(z.string(), z.string()).optional(),
        workdir: z.string().optional(),
      })
      .strict(),
    /**
     * Also run it (limited, no network) and compare its output. `stdinFile` (relative to {workdir},
     * e.g. data a step generated from {seed}) is fed to it instead of `stdin`; `stdout: reference`
     * compares with what the reference solution's image printed for the same seed.
     */
    run: z
      .object({
        args: z.array(z.string()).default([]),
        stdout: z.union([textMatchSchema, REFERENCE]).optional(),
        exitCode: z.number().int().default(0),
        stdin: z.string().optional(),
        stdinFile: z
          .string()
          .regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, 'a file inside the graded folder')
          .optional(),
      })
      .strict()
      .refine((r) => r.stdin === undefined || r.stdinFile === undefined, 'give stdin or stdinFile, not both')
      .optional(),
  })
  .strict();

export const dockerContainerCheck = z
  .object({
    ...common,
    kind: z.literal('docker-container'),
    /** A container name, or a Compose project + service. */
    container: z.string().optional(),
    project: z.string().optional(),
    service: z.string().optional(),
    expect: z
      .object({
        exists: z.boolean().optional(),
        state: z.enum(['running', 'exited', 'created', 'paused', 'restarting', 'dead']).optional(),
        health: z.enum(['healthy', 'unhealthy', 'starting']).optional(),
        exitCode: z.number().int().optional(),
        oomKilled: z.boolean().optional(),
        memoryLimitBytes: z.number().int().optional(),
        pidsLimit: z.number().int().optional(),
        mounts: z
          .array(
            z
              .object({
                type: z.enum(['volume', 'bind', 'tmpfs']),
                destination: z.string(),
                name: z.string().optional(),
              })
              .strict(),
          )
          .optional(),
        networks: z.array(z.string()).optional(),
        env: z.record(z.string(), z.string()).optional(),
        /** Started only after these services were healthy (depends_on: condition: service_healthy). */
        startedAfterHealthy: z.array(z.string()).optional(),
        /** How often the engine restarted it (0 = it never failed and came back through a restart policy). */
        restartCount: z.number().int().nonnegative().optional(),
        /** Container ports published on the host, e.g. ["8080/tcp"]; [] = none. */
        publishedPorts: z.array(z.string()).optional(),
        /** Its logs (stdout + stderr, last 200 lines); `reference` = equal to the reference run's. */
        logs: z.union([textMatchSchema, REFERENCE]).optional(),
        /**
         * Its healthcheck notices that a server stops doing its job. The seed picks one of `faults`
         * (the same for the reference and the learner), aimed at the server process named in
         * `process` (found in the engine's `top` of `service`'s container, default this one):
         *   freeze              SIGSTOP the server process (not PID 1: an init may be PID 1)
         *   refuse-connections  (MariaDB) max_connections filled: new logins get "Too many connections"
         *   stop                stop `service`'s container (its name then no longer resolves)
         * The grader waits up to withinSec (measured in the engine's health log, from the moment the
         * fault took effect) for this container to turn unhealthy, then undoes the fault.
         */
        unhealthyUnderFault: z
          .object({
            service: z.string().optional(),
            process: z.array(z.string().regex(/^[\w.-]{1,15}$/, 'a process name (comm)')).min(1),
            faults: z.array(z.enum(['freeze', 'refuse-connections', 'stop'])).min(1),
            withinSec: z.number().positive(),
          })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

/**
 * Whatever YAML cannot say: a TypeScript (or JavaScript) module next to exercise.yaml exporting
 * `observe(api, options)` and `judge(observed, reference, options)`; see labs/README.md.
 */
export const moduleCheck = z
  .object({
    ...common,
    kind: z.literal('module'),
    /** Path relative to the exercise folder, e.g. checks/no-duplicates.ts. */
    module: z
      .string()
      .regex(/^(?!\/)(?!.*\.\.)[\w./-]+\.(ts|mts|js|mjs)$/, 'a .ts/.js file inside the exercise folder'),
    options: z.record(z.string(), z.unknown()).default({}),
    /** Run `observe` against the reference solution too and pass its result to `judge`. */
    compareToReference: z.boolean().default(false),
  })
  .strict();

/**
 * A grader program of the day decides the check and prints a structured verdict (see
 * src/grading/verdict.ts and labs/README.md). It runs in a fresh judge container shaped like the
 * service `judge` (its image, network and read-only mounts, the graded folder read-only, no learner
 * process), or exec'd in `service`, which must be one where no learner code runs.
 */
export const graderCheck = z
  .object({
    ...common,
    kind: z.literal('grader'),
    judge: z.string().optional(),
    service: z.string().optional(),
    /** The Compose project of `judge` or `service`; default the day's. */
    project: z.string().optional(),
    command: z.union([z.string(), z.array(z.string())]),
    user: z.string().optional(),
  })
  .strict()
  .refine((c) => (c.judge === undefined) !== (c.service === undefined), {
    message:
      'give judge (a judge container shaped like that service) or service (exec where no learner code runs), one of them',
  });

/**
 * What a learner's compose file asked to publish (read from the rendered file by the grader; in a
 * graded run de-lab itself publishes on a free 127.0.0.1 port, given to other checks as {published:N}).
 */
const publishedPortCheck = z
  .object({
    ...common,
    kind: z.literal('published-port'),
    service: z.string(),
    /** The container port. */
    target: z.number().int(),
    expect: z
      .object({
        /** The host port the learner's file must publish it on. */
        port: z.number().int(),
        /** The host address it must bind; '127.0.0.1' refuses an all-interfaces binding. */
        hostIp: z.string().default('127.0.0.1'),
      })
      .strict(),
  })
  .strict();

export const checkSchema = z.discriminatedUnion('kind', [
  commandCheck,
  httpCheck,
  fileCheck,
  kafkaTopicCheck,
  sqlCheck,
  sparkMetricsCheck,
  dockerImageCheck,
  dockerContainerCheck,
  moduleCheck,
  publishedPortCheck,
  graderCheck,
]);
export type Check = z.infer<typeof checkSchema>;

/** Actions that produce what the checks look at; they run before the checks, in order. */
const stepCommon = {
  id: idSchema,
  title: textSchema.optional(),
  timeoutSec: z.number().positive().default(300),
  /**
   * Whose work the step is. A failing `grader` step (feeding data, a setup load, a readiness wait)
   * is the grader's own failure: the exercise is an `error` (retried by `grade --resume`), not a 0.
   */
  owner: z.enum(['learner', 'grader']).default('learner'),
  /**
   * Runs after the checks, whatever happened before (a failed step, Ctrl-C), to remove what the run
   * made in the learner's own stack (a check's private topics and datasources). Its failure is a
   * note of the result, never the learner's score. Private stacks (selftest, grade) skip it: they
   * are removed whole.
   */
  finally: z.boolean().default(false),
};

export const stepSchema = z.discriminatedUnion('kind', [
  /** docker build {workdir}/{context} -t {tag}; limited memory; no Docker socket inside. */
  z
    .object({
      ...stepCommon,
      kind: z.literal('docker-build'),
      context: z.string().default('.'),
      dockerfile: z.string().optional(),
      tag: z.string(),
    })
    .strict(),
  /** A command in a service of the day's stack, or in a fresh limited container of an image. */
  z
    .object({
      ...stepCommon,
      kind: z.literal('command'),
      service: z.string().optional(),
      /** A fresh judge container shaped like this service, with the graded folder writable (see the grader check). */
      judge: z.string().optional(),
      /** The Compose project of `service`; default the day's. */
      project: z.string().optional(),
      image: z.string().optional(),
      /** With `image`: another network to join, e.g. {project}-{exercise}-{role}_default. */
      network: z.string().optional(),
      command: z.union([z.string(), z.array(z.string())]),
      user: z.string().optional(),
      /** Fails the step on a non-zero exit unless false. */
      mustSucceed: z.boolean().default(true),
      /** Start it and continue; `stop-background` ends it (a streaming query, for example). */
      background: z.boolean().default(false),
      /**
       * Exit codes by which a learner-owned step that also does the grader's work (e.g. day 4's
       * drive.py: it feeds the waves, then runs the learner's job in a process of its own) says that
       * the grader's part failed: the exercise is an `error`, never the learner's 0. Only a program
       * whose exit code the learner's code cannot set may declare them.
       */
      graderExitCodes: z.array(z.number().int().min(1).max(255)).optional(),
    })
    .strict(),
  z
    .object({
      ...stepCommon,
      kind: z.literal('stop-background'),
      step: idSchema,
      signal: z.enum(['SIGINT', 'SIGTERM', 'SIGKILL']).default('SIGTERM'),
    })
    .strict(),
  /** The learner's compose file, started under its own project ({project}-{exercise}-{role}). */
  /**
   * Starts a learner's compose file: rendered from an empty environment plus `env` (and the file's
   * own .env), refused unless every key is on the allow-list, capped (memory, pids, CPU, logs),
   * and every published port moved to a free 127.0.0.1 port, given to checks as {published:N}.
   * `env`: the variables the file may use in ${…} (e.g. HOG_SEED: "{seed}"), besides its own .env.
   */
  z
    .object({
      ...stepCommon,
      kind: z.literal('compose-up'),
      file: z.string(),
      project: z.string().default('{project}-{exercise}-{role}'),
      wait: z.boolean().default(true),
      env: z.record(z.string(), z.string()).default({}),
    })
    .strict(),
  z
    .object({
      ...stepCommon,
      kind: z.literal('compose-down'),
      project: z.string().default('{project}-{exercise}-{role}'),
    })
    .strict(),
  /** Removes leftovers by name before a run (containers, images, volumes, topics made by earlier attempts). */
  z
    .object({
      ...stepCommon,
      kind: z.literal('cleanup'),
      containers: z.array(z.string()).default([]),
      images: z.array(z.string()).default([]),
      volumes: z.array(z.string()).default([]),
      networks: z.array(z.string()).default([]),
    })
    .strict(),
]);
export type Step = z.infer<typeof stepSchema>;

export const gradingSchema = z
  .object({ steps: z.array(stepSchema).default([]), checks: z.array(checkSchema).min(1) })
  .strict();
