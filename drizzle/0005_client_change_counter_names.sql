-- The client index now also keeps clients in name order, so a rename is a change it must hear of,
-- from this connection or from another one: the counter moves when name_folded is written too.
-- One trigger per updated row, as before, so each logged update still moves the counter once.
DROP TRIGGER `client_change_counter_client_update`;
--> statement-breakpoint
CREATE TRIGGER `client_change_counter_client_update` AFTER UPDATE OF `relationship_type_id`, `do_not_contact`, `name_folded` ON `clients` BEGIN
	UPDATE `client_change_counter` SET `changes` = `changes` + 1 WHERE `id` = 1;
END;
