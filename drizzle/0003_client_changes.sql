CREATE TABLE `client_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor` text,
	`field` text NOT NULL,
	`before_json` text NOT NULL,
	`after_json` text NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `client_changes_client_idx` ON `client_changes` (`client_id`,`id`);