CREATE TABLE `client_property_values` (
	`client_id` integer NOT NULL,
	`property_id` integer NOT NULL,
	`value_key` text NOT NULL,
	`number_value` real,
	`option_id` integer,
	`text_folded` text,
	PRIMARY KEY(`client_id`, `property_id`, `value_key`),
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`property_id`) REFERENCES `properties`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`option_id`) REFERENCES `property_options`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `client_property_values_by_value_idx` ON `client_property_values` (`property_id`,`value_key`,`client_id`);--> statement-breakpoint
CREATE INDEX `client_property_values_by_number_idx` ON `client_property_values` (`property_id`,`number_value`,`client_id`) WHERE "client_property_values"."number_value" is not null;--> statement-breakpoint
CREATE INDEX `client_property_values_option_idx` ON `client_property_values` (`option_id`) WHERE "client_property_values"."option_id" is not null;--> statement-breakpoint
CREATE TABLE `clients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`name` text NOT NULL,
	`manager` text,
	`phone` text,
	`email` text,
	`do_not_contact` integer DEFAULT false NOT NULL,
	`relationship_type_id` integer,
	`name_folded` text NOT NULL,
	`manager_folded` text,
	`external_id_folded` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`relationship_type_id`) REFERENCES `relationship_types`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clients_external_id_unique` ON `clients` (`external_id`);--> statement-breakpoint
CREATE INDEX `clients_name_folded_idx` ON `clients` (`name_folded`,`id`);--> statement-breakpoint
CREATE INDEX `clients_manager_folded_idx` ON `clients` (`manager_folded`);--> statement-breakpoint
CREATE INDEX `clients_external_id_folded_idx` ON `clients` (`external_id_folded`);--> statement-breakpoint
CREATE INDEX `clients_relationship_type_idx` ON `clients` (`relationship_type_id`);--> statement-breakpoint
CREATE INDEX `clients_created_at_idx` ON `clients` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `clients_updated_at_idx` ON `clients` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `properties` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`set_id` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`value_type` text NOT NULL,
	`multiple` integer DEFAULT false NOT NULL,
	`show_in_briefing` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`set_id`) REFERENCES `property_sets`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "properties_value_type_check" CHECK("properties"."value_type" in ('STRING', 'NUMBER', 'BOOLEAN', 'DATE', 'ENUM'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `properties_code_unique` ON `properties` (`code`);--> statement-breakpoint
CREATE INDEX `properties_set_id_idx` ON `properties` (`set_id`);--> statement-breakpoint
CREATE TABLE `property_options` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`property_id` integer NOT NULL,
	`code` text NOT NULL,
	`label` text NOT NULL,
	`archived` integer DEFAULT false NOT NULL,
	`position` integer NOT NULL,
	FOREIGN KEY (`property_id`) REFERENCES `properties`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `property_options_property_code_unique` ON `property_options` (`property_id`,`code`);--> statement-breakpoint
CREATE INDEX `property_options_property_position_idx` ON `property_options` (`property_id`,`position`);--> statement-breakpoint
CREATE TABLE `property_sets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `property_sets_code_unique` ON `property_sets` (`code`);--> statement-breakpoint
CREATE TABLE `relationship_types` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`contact_policy` text DEFAULT 'ALLOWED' NOT NULL,
	`briefing` text,
	CONSTRAINT "relationship_types_contact_policy_check" CHECK("relationship_types"."contact_policy" in ('ALLOWED', 'DO_NOT_CONTACT'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `relationship_types_code_unique` ON `relationship_types` (`code`);