DROP INDEX "journal_lines_entry_brin";--> statement-breakpoint
CREATE INDEX "journal_lines_entry_brin" ON "journal_lines" USING brin ("entry_id") WITH (autosummarize=on);