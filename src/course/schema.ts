import { z } from 'zod';

export const textSchema = z.object({ en: z.string().min(1), ko: z.string().min(1) }).strict();

export const portSchema = z
  .object({
    port: z.number().int().min(1).max(65535),
    service: z.string().min(1),
    purpose: textSchema,
    /** How a person reaches it, e.g. http://localhost:{port}/ (shown on the endpoint card). */
    url: z.string().optional(),
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

/** labs/dayN/lab.yaml, the day-level part. Exercises are validated by exercise.ts. */
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
    exercises: z.array(z.unknown()).default([]),
  })
  .strict();

export type LabManifest = z.infer<typeof labSchema>;
