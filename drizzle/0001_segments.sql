CREATE TABLE `segment_members` (
	`segment_id` integer NOT NULL,
	`client_id` integer NOT NULL,
	PRIMARY KEY(`segment_id`, `client_id`),
	FOREIGN KEY (`segment_id`) REFERENCES `segments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `segment_members_client_idx` ON `segment_members` (`client_id`);--> statement-breakpoint
CREATE TABLE `segments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`kind` text NOT NULL,
	`filter_json` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "segments_kind_check" CHECK("segments"."kind" in ('DYNAMIC', 'STATIC'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segments_code_unique` ON `segments` (`code`);