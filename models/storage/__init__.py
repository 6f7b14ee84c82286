"""Storage: the database and its connection, the schema's numbered migrations, backups and checks."""
