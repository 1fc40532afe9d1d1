ALTER TABLE "job_runs" ADD COLUMN "queue_job_id" text;--> statement-breakpoint
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_queue_job_id_unique" UNIQUE("queue_job_id");