alter table inventory drop column reorder_level;
