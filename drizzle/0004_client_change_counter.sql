-- Counts every change of what the in-memory client index holds (clients, their relationship type
-- and contact wish, their values), whoever makes it. The server compares it with the changes it
-- logged itself, so a write by another connection (another process) is noticed, while one that
-- touches nothing indexed (a token made with `npm run token`) does not force a rebuild.
CREATE TABLE `client_change_counter` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`changes` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `client_change_counter` (`id`, `changes`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `client_change_counter_client_insert` AFTER INSERT ON `clients` BEGIN
	UPDATE `client_change_counter` SET `changes` = `changes` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `client_change_counter_client_delete` AFTER DELETE ON `clients` BEGIN
	UPDATE `client_change_counter` SET `changes` = `changes` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `client_change_counter_client_update` AFTER UPDATE OF `relationship_type_id`, `do_not_contact` ON `clients` BEGIN
	UPDATE `client_change_counter` SET `changes` = `changes` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `client_change_counter_value_insert` AFTER INSERT ON `client_property_values` BEGIN
	UPDATE `client_change_counter` SET `changes` = `changes` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `client_change_counter_value_delete` AFTER DELETE ON `client_property_values` BEGIN
	UPDATE `client_change_counter` SET `changes` = `changes` + 1 WHERE `id` = 1;
END;
