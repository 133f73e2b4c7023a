/* The differ and the alteration steps: Prisma's own migration scripts between pairs of schemas,
 * reproduced from the two lowered schemas; the scripts applied to real databases; a schema
 * diffed with itself gives nothing; destructive steps are flagged. */
#include "testutil.h"

#include "prismac/db.h"
#include "prismac/lower.h"
#include "prismac/migrate.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <sqlite3.h>

typedef struct Scenario {
    const char *name;
    const char *provider;
    const char *from, *to;     /* models (the datasource is added) */
    const char *expected;       /* Prisma's script */
} Scenario;

/* Generated from Prisma's own output (../shared/oracle: the first schema's DDL applied to an empty
 * database, then `oracle diff --db URL` to the second schema). */
static const Scenario SCENARIOS[] = {
    {"add-nullable-column", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  bio   String?\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ADD COLUMN     \"bio\" TEXT;\n"},
    {"add-nullable-column", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  bio   String?\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
    {"add-required-default", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  score Int    @default(0)\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ADD COLUMN     \"score\" INTEGER NOT NULL DEFAULT 0;\n"},
    {"add-required-default", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  score Int    @default(0)\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"name\" TEXT,\n"
     "    \"score\" INTEGER NOT NULL DEFAULT 0\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"name\") SELECT \"email\", \"id\", \"name\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"add-required-nodefault", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  age   Int\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ADD COLUMN     \"age\" INTEGER NOT NULL;\n"},
    {"add-required-nodefault", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  age   Int\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"name\" TEXT,\n"
     "    \"age\" INTEGER NOT NULL\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"name\") SELECT \"email\", \"id\", \"name\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"drop-column", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" DROP COLUMN \"name\";\n"},
    {"drop-column", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\") SELECT \"email\", \"id\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"optional-to-required", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"},
    {"optional-to-required", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"name\" TEXT NOT NULL\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"name\") SELECT \"email\", \"id\", \"name\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"required-to-optional", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String? @unique\n"
     "  name  String?\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"email\" DROP NOT NULL;\n"},
    {"required-to-optional", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String? @unique\n"
     "  name  String?\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT,\n"
     "    \"name\" TEXT\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"name\") SELECT \"email\", \"id\", \"name\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"type-int-to-string", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     Int\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     String\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"n\" SET DATA TYPE TEXT;\n"},
    {"type-int-to-string", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     Int\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     String\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"n\" TEXT NOT NULL\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"n\") SELECT \"email\", \"id\", \"n\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"type-string-to-int", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     String\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     Int\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" DROP COLUMN \"n\",\n"
     "ADD COLUMN     \"n\" INTEGER NOT NULL;\n"},
    {"type-string-to-int", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     String\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     Int\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"n\" INTEGER NOT NULL\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"n\") SELECT \"email\", \"id\", \"n\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"default-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @default(\"anon\")\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET DEFAULT 'anon';\n"},
    {"default-added", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @default(\"anon\")\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"name\" TEXT DEFAULT 'anon'\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"name\") SELECT \"email\", \"id\", \"name\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"default-dropped", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @default(\"anon\")\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"name\" DROP DEFAULT;\n"},
    {"default-dropped", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @default(\"anon\")\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"name\" TEXT\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"name\") SELECT \"email\", \"id\", \"name\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"default-changed", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @default(\"anon\")\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @default(\"x'y\")\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET DEFAULT 'x''y';\n"},
    {"default-changed", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @default(\"anon\")\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @default(\"x'y\")\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"name\" TEXT DEFAULT 'x''y'\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"name\") SELECT \"email\", \"id\", \"name\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"index-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "-- CreateIndex\n"
     "CREATE INDEX \"User_name_idx\" ON \"User\"(\"name\");\n"},
    {"index-added", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "-- CreateIndex\n"
     "CREATE INDEX \"User_name_idx\" ON \"User\"(\"name\");\n"},
    {"index-dropped", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- DropIndex\n"
     "DROP INDEX \"User_name_idx\";\n"},
    {"index-dropped", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- DropIndex\n"
     "DROP INDEX \"User_name_idx\";\n"},
    {"index-renamed", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name], map: \"by_name\")\n"
     "}\n",
     "-- RenameIndex\n"
     "ALTER INDEX \"User_name_idx\" RENAME TO \"by_name\";\n"},
    {"index-renamed", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name], map: \"by_name\")\n"
     "}\n",
     "-- RedefineIndex\n"
     "DROP INDEX \"User_name_idx\";\n"
     "CREATE INDEX \"by_name\" ON \"User\"(\"name\");\n"},
    {"unique-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @unique\n"
     "}\n",
     "-- CreateIndex\n"
     "CREATE UNIQUE INDEX \"User_name_key\" ON \"User\"(\"name\");\n"},
    {"unique-added", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @unique\n"
     "}\n",
     "-- CreateIndex\n"
     "CREATE UNIQUE INDEX \"User_name_key\" ON \"User\"(\"name\");\n"},
    {"unique-dropped", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String\n"
     "  name  String?\n"
     "}\n",
     "-- DropIndex\n"
     "DROP INDEX \"User_email_key\";\n"},
    {"unique-dropped", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String\n"
     "  name  String?\n"
     "}\n",
     "-- DropIndex\n"
     "DROP INDEX \"User_email_key\";\n"},
    {"fk-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "-- AddForeignKey\n"
     "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n"},
    {"fk-added", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_Post\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"authorId\" INTEGER NOT NULL,\n"
     "    CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\" (\"id\") ON DELETE RESTRICT ON UPDATE CASCADE\n"
     ");\n"
     "INSERT INTO \"new_Post\" (\"authorId\", \"id\") SELECT \"authorId\", \"id\" FROM \"Post\";\n"
     "DROP TABLE \"Post\";\n"
     "ALTER TABLE \"new_Post\" RENAME TO \"Post\";\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"fk-dropped", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "}\n",
     "-- DropForeignKey\n"
     "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n"},
    {"fk-dropped", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_Post\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"authorId\" INTEGER NOT NULL\n"
     ");\n"
     "INSERT INTO \"new_Post\" (\"authorId\", \"id\") SELECT \"authorId\", \"id\" FROM \"Post\";\n"
     "DROP TABLE \"Post\";\n"
     "ALTER TABLE \"new_Post\" RENAME TO \"Post\";\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"fk-action-changed", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)\n"
     "}\n",
     "-- DropForeignKey\n"
     "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n"
     "\n"
     "-- AddForeignKey\n"
     "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n"},
    {"fk-action-changed", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_Post\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"authorId\" INTEGER NOT NULL,\n"
     "    CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\" (\"id\") ON DELETE CASCADE ON UPDATE CASCADE\n"
     ");\n"
     "INSERT INTO \"new_Post\" (\"authorId\", \"id\") SELECT \"authorId\", \"id\" FROM \"Post\";\n"
     "DROP TABLE \"Post\";\n"
     "ALTER TABLE \"new_Post\" RENAME TO \"Post\";\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"fk-renamed", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id], map: \"post_author\")\n"
     "}\n",
     "-- RenameForeignKey\n"
     "ALTER TABLE \"Post\" RENAME CONSTRAINT \"Post_authorId_fkey\" TO \"post_author\";\n"},
    {"table-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id   Int    @id\n"
     "  name String @unique\n"
     "}\n",
     "-- CreateTable\n"
     "CREATE TABLE \"Tag\" (\n"
     "    \"id\" INTEGER NOT NULL,\n"
     "    \"name\" TEXT NOT NULL,\n"
     "\n"
     "    CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\")\n"
     ");\n"
     "\n"
     "-- CreateIndex\n"
     "CREATE UNIQUE INDEX \"Tag_name_key\" ON \"Tag\"(\"name\");\n"},
    {"table-added", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id   Int    @id\n"
     "  name String @unique\n"
     "}\n",
     "-- CreateTable\n"
     "CREATE TABLE \"Tag\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"name\" TEXT NOT NULL\n"
     ");\n"
     "\n"
     "-- CreateIndex\n"
     "CREATE UNIQUE INDEX \"Tag_name_key\" ON \"Tag\"(\"name\");\n"},
    {"table-dropped", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id   Int    @id\n"
     "  name String @unique\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- DropTable\n"
     "DROP TABLE \"Tag\";\n"},
    {"table-dropped", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id   Int    @id\n"
     "  name String @unique\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- DropTable\n"
     "PRAGMA foreign_keys=off;\n"
     "DROP TABLE \"Tag\";\n"
     "PRAGMA foreign_keys=on;\n"},
    {"table-dropped-with-fk", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- DropForeignKey\n"
     "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n"
     "\n"
     "-- DropTable\n"
     "DROP TABLE \"Post\";\n"},
    {"table-dropped-with-fk", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- DropTable\n"
     "PRAGMA foreign_keys=off;\n"
     "DROP TABLE \"Post\";\n"
     "PRAGMA foreign_keys=on;\n"},
    {"enum-value-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Role   @default(USER)\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  USER\n"
     "  ADMIN\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Role   @default(USER)\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  USER\n"
     "  ADMIN\n"
     "  OWNER\n"
     "}\n",
     "-- AlterEnum\n"
     "ALTER TYPE \"Role\" ADD VALUE 'OWNER';\n"},
    {"enum-values-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Role   @default(USER)\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  USER\n"
     "  ADMIN\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Role   @default(USER)\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  USER\n"
     "  ADMIN\n"
     "  OWNER\n"
     "  GUEST\n"
     "}\n",
     "-- AlterEnum\n"
     "-- This migration adds more than one value to an enum.\n"
     "-- With PostgreSQL versions 11 and earlier, this is not possible\n"
     "-- in a single migration. This can be worked around by creating\n"
     "-- multiple migrations, each migration adding only one value to\n"
     "-- the enum.\n"
     "\n"
     "\n"
     "ALTER TYPE \"Role\" ADD VALUE 'OWNER';\n"
     "ALTER TYPE \"Role\" ADD VALUE 'GUEST';\n"},
    {"enum-value-removed", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Role   @default(USER)\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  USER\n"
     "  ADMIN\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Role   @default(USER)\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  USER\n"
     "}\n",
     "-- AlterEnum\n"
     "BEGIN;\n"
     "CREATE TYPE \"Role_new\" AS ENUM ('USER');\n"
     "ALTER TABLE \"public\".\"User\" ALTER COLUMN \"role\" DROP DEFAULT;\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING (\"role\"::text::\"Role_new\");\n"
     "ALTER TYPE \"Role\" RENAME TO \"Role_old\";\n"
     "ALTER TYPE \"Role_new\" RENAME TO \"Role\";\n"
     "DROP TYPE \"public\".\"Role_old\";\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'USER';\n"
     "COMMIT;\n"},
    {"enum-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "enum Color {\n"
     "  RED\n"
     "  GREEN\n"
     "}\n",
     "-- CreateEnum\n"
     "CREATE TYPE \"Color\" AS ENUM ('RED', 'GREEN');\n"},
    {"enum-dropped", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "enum Color {\n"
     "  RED\n"
     "  GREEN\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- DropEnum\n"
     "DROP TYPE \"Color\";\n"},
    {"autoincrement-removed", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"id\" DROP DEFAULT;\n"
     "DROP SEQUENCE \"User_id_seq\";\n"},
    {"autoincrement-added", "postgresql",
     "model User {\n"
     "  id    Int    @id\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- AlterTable\n"
     "CREATE SEQUENCE user_id_seq;\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"id\" SET DEFAULT nextval('user_id_seq');\n"
     "ALTER SEQUENCE user_id_seq OWNED BY \"User\".\"id\";\n"},
    {"pk-changed", "postgresql",
     "model Pair {\n"
     "  a Int\n"
     "  b Int\n"
     "  c Int\n"
     "\n"
     "  @@id([a, b])\n"
     "}\n",
     "model Pair {\n"
     "  a Int\n"
     "  b Int\n"
     "  c Int\n"
     "\n"
     "  @@id([a, c])\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"Pair\" DROP CONSTRAINT \"Pair_pkey\",\n"
     "ADD CONSTRAINT \"Pair_pkey\" PRIMARY KEY (\"a\", \"c\");\n"},
    {"pk-changed", "sqlite",
     "model Pair {\n"
     "  a Int\n"
     "  b Int\n"
     "  c Int\n"
     "\n"
     "  @@id([a, b])\n"
     "}\n",
     "model Pair {\n"
     "  a Int\n"
     "  b Int\n"
     "  c Int\n"
     "\n"
     "  @@id([a, c])\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_Pair\" (\n"
     "    \"a\" INTEGER NOT NULL,\n"
     "    \"b\" INTEGER NOT NULL,\n"
     "    \"c\" INTEGER NOT NULL,\n"
     "\n"
     "    PRIMARY KEY (\"a\", \"c\")\n"
     ");\n"
     "INSERT INTO \"new_Pair\" (\"a\", \"b\", \"c\") SELECT \"a\", \"b\", \"c\" FROM \"Pair\";\n"
     "DROP TABLE \"Pair\";\n"
     "ALTER TABLE \"new_Pair\" RENAME TO \"Pair\";\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"pk-renamed", "postgresql",
     "model Pair {\n"
     "  a Int\n"
     "  b Int\n"
     "\n"
     "  @@id([a, b])\n"
     "}\n",
     "model Pair {\n"
     "  a Int\n"
     "  b Int\n"
     "\n"
     "  @@id([a, b], map: \"pair_pk\")\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"Pair\" RENAME CONSTRAINT \"Pair_pkey\" TO \"pair_pk\";\n"},
    {"list-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  tags  String[]\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ADD COLUMN     \"tags\" TEXT[];\n"},
    {"varchar-length", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @db.VarChar(20)\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @db.VarChar(10)\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET DATA TYPE VARCHAR(10);\n"},
    {"m2m-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id Int @id\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  tags  Tag[]\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id    Int    @id\n"
     "  users User[]\n"
     "}\n",
     "-- CreateTable\n"
     "CREATE TABLE \"_TagToUser\" (\n"
     "    \"A\" INTEGER NOT NULL,\n"
     "    \"B\" INTEGER NOT NULL,\n"
     "\n"
     "    CONSTRAINT \"_TagToUser_AB_pkey\" PRIMARY KEY (\"A\",\"B\")\n"
     ");\n"
     "\n"
     "-- CreateIndex\n"
     "CREATE INDEX \"_TagToUser_B_index\" ON \"_TagToUser\"(\"B\");\n"
     "\n"
     "-- AddForeignKey\n"
     "ALTER TABLE \"_TagToUser\" ADD CONSTRAINT \"_TagToUser_A_fkey\" FOREIGN KEY (\"A\") REFERENCES \"Tag\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n"
     "\n"
     "-- AddForeignKey\n"
     "ALTER TABLE \"_TagToUser\" ADD CONSTRAINT \"_TagToUser_B_fkey\" FOREIGN KEY (\"B\") REFERENCES \"User\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n"},
    {"m2m-added", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id Int @id\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  tags  Tag[]\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id    Int    @id\n"
     "  users User[]\n"
     "}\n",
     "-- CreateTable\n"
     "CREATE TABLE \"_TagToUser\" (\n"
     "    \"A\" INTEGER NOT NULL,\n"
     "    \"B\" INTEGER NOT NULL,\n"
     "    CONSTRAINT \"_TagToUser_A_fkey\" FOREIGN KEY (\"A\") REFERENCES \"Tag\" (\"id\") ON DELETE CASCADE ON UPDATE CASCADE,\n"
     "    CONSTRAINT \"_TagToUser_B_fkey\" FOREIGN KEY (\"B\") REFERENCES \"User\" (\"id\") ON DELETE CASCADE ON UPDATE CASCADE\n"
     ");\n"
     "\n"
     "-- CreateIndex\n"
     "CREATE UNIQUE INDEX \"_TagToUser_AB_unique\" ON \"_TagToUser\"(\"A\", \"B\");\n"
     "\n"
     "-- CreateIndex\n"
     "CREATE INDEX \"_TagToUser_B_index\" ON \"_TagToUser\"(\"B\");\n"},
    {"multi-change", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  nick  String?\n"
     "  age   Int     @default(18)\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  title    String @default(\"\")\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"Post\" ADD COLUMN     \"title\" TEXT NOT NULL DEFAULT '';\n"
     "\n"
     "-- AlterTable\n"
     "ALTER TABLE \"User\" DROP COLUMN \"name\",\n"
     "ADD COLUMN     \"age\" INTEGER NOT NULL DEFAULT 18,\n"
     "ADD COLUMN     \"nick\" TEXT;\n"},
    {"multi-change", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  nick  String?\n"
     "  age   Int     @default(18)\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  title    String @default(\"\")\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_Post\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"authorId\" INTEGER NOT NULL,\n"
     "    \"title\" TEXT NOT NULL DEFAULT '',\n"
     "    CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\" (\"id\") ON DELETE RESTRICT ON UPDATE CASCADE\n"
     ");\n"
     "INSERT INTO \"new_Post\" (\"authorId\", \"id\") SELECT \"authorId\", \"id\" FROM \"Post\";\n"
     "DROP TABLE \"Post\";\n"
     "ALTER TABLE \"new_Post\" RENAME TO \"Post\";\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"nick\" TEXT,\n"
     "    \"age\" INTEGER NOT NULL DEFAULT 18\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\") SELECT \"email\", \"id\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"enum-column-retyped", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Role\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  USER\n"
     "  ADMIN\n"
     "}\n"
     "\n"
     "enum Kind {\n"
     "  A\n"
     "  B\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Kind\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  USER\n"
     "  ADMIN\n"
     "}\n"
     "\n"
     "enum Kind {\n"
     "  A\n"
     "  B\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" DROP COLUMN \"role\",\n"
     "ADD COLUMN     \"role\" \"Kind\" NOT NULL;\n"},
    {"scalar-to-list", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  tags  String\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  tags  String[]\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" DROP COLUMN \"tags\",\n"
     "ADD COLUMN     \"tags\" TEXT[];\n"},
    {"list-to-scalar", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  tags  String[]\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  tags  String?\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"tags\" DROP NOT NULL,\n"
     "ALTER COLUMN \"tags\" SET DATA TYPE TEXT;\n"},
    {"int-to-bigint", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     Int\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     BigInt\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"n\" SET DATA TYPE BIGINT;\n"},
    {"int-to-bigint", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     Int\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     BigInt\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"n\" BIGINT NOT NULL\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"n\") SELECT \"email\", \"id\", \"n\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"bigint-to-int", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     BigInt\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     Int\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"n\" SET DATA TYPE INTEGER;\n"},
    {"decimal-precision", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  amt   Decimal @db.Decimal(10, 2)\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  amt   Decimal @db.Decimal(12, 4)\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"amt\" SET DATA TYPE DECIMAL(12,4);\n"},
    {"column-renamed", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @map(\"full_name\")\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" DROP COLUMN \"name\",\n"
     "ADD COLUMN     \"full_name\" TEXT;\n"},
    {"column-renamed", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String? @map(\"full_name\")\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"full_name\" TEXT\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\") SELECT \"email\", \"id\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"m2m-dropped", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  tags  Tag[]\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id    Int    @id\n"
     "  users User[]\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id Int @id\n"
     "}\n",
     "-- DropForeignKey\n"
     "ALTER TABLE \"_TagToUser\" DROP CONSTRAINT \"_TagToUser_A_fkey\";\n"
     "\n"
     "-- DropForeignKey\n"
     "ALTER TABLE \"_TagToUser\" DROP CONSTRAINT \"_TagToUser_B_fkey\";\n"
     "\n"
     "-- DropTable\n"
     "DROP TABLE \"_TagToUser\";\n"},
    {"m2m-dropped", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  tags  Tag[]\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id    Int    @id\n"
     "  users User[]\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n"
     "\n"
     "model Tag {\n"
     "  id Int @id\n"
     "}\n",
     "-- DropTable\n"
     "PRAGMA foreign_keys=off;\n"
     "DROP TABLE \"_TagToUser\";\n"
     "PRAGMA foreign_keys=on;\n"},
    {"index-on-retyped-column", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  Int?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  Boolean?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" DROP COLUMN \"name\",\n"
     "ADD COLUMN     \"name\" BOOLEAN;\n"
     "\n"
     "-- CreateIndex\n"
     "CREATE INDEX \"User_name_idx\" ON \"User\"(\"name\");\n"},
    {"unique-to-index", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@unique([name])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "-- DropIndex\n"
     "DROP INDEX \"User_name_key\";\n"
     "\n"
     "-- CreateIndex\n"
     "CREATE INDEX \"User_name_idx\" ON \"User\"(\"name\");\n"},
    {"unique-to-index", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@unique([name])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "\n"
     "  @@index([name])\n"
     "}\n",
     "-- DropIndex\n"
     "DROP INDEX \"User_name_key\";\n"
     "\n"
     "-- CreateIndex\n"
     "CREATE INDEX \"User_name_idx\" ON \"User\"(\"name\");\n"},
    {"pk-added", "postgresql",
     "model Log {\n"
     "  a Int\n"
     "  b String\n"
     "\n"
     "  @@unique([a])\n"
     "}\n",
     "model Log {\n"
     "  a Int @id\n"
     "  b String\n"
     "\n"
     "  @@unique([a])\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"Log\" ADD CONSTRAINT \"Log_pkey\" PRIMARY KEY (\"a\");\n"},
    {"pk-added", "sqlite",
     "model Log {\n"
     "  a Int\n"
     "  b String\n"
     "\n"
     "  @@unique([a])\n"
     "}\n",
     "model Log {\n"
     "  a Int @id\n"
     "  b String\n"
     "\n"
     "  @@unique([a])\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_Log\" (\n"
     "    \"a\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"b\" TEXT NOT NULL\n"
     ");\n"
     "INSERT INTO \"new_Log\" (\"a\", \"b\") SELECT \"a\", \"b\" FROM \"Log\";\n"
     "DROP TABLE \"Log\";\n"
     "ALTER TABLE \"new_Log\" RENAME TO \"Log\";\n"
     "CREATE UNIQUE INDEX \"Log_a_key\" ON \"Log\"(\"a\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"pk-dropped", "postgresql",
     "model Log {\n"
     "  a Int @id\n"
     "  b String\n"
     "\n"
     "  @@unique([a])\n"
     "}\n",
     "model Log {\n"
     "  a Int\n"
     "  b String\n"
     "\n"
     "  @@unique([a])\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"Log\" DROP CONSTRAINT \"Log_pkey\";\n"},
    {"pk-dropped", "sqlite",
     "model Log {\n"
     "  a Int @id\n"
     "  b String\n"
     "\n"
     "  @@unique([a])\n"
     "}\n",
     "model Log {\n"
     "  a Int\n"
     "  b String\n"
     "\n"
     "  @@unique([a])\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_Log\" (\n"
     "    \"a\" INTEGER NOT NULL,\n"
     "    \"b\" TEXT NOT NULL\n"
     ");\n"
     "INSERT INTO \"new_Log\" (\"a\", \"b\") SELECT \"a\", \"b\" FROM \"Log\";\n"
     "DROP TABLE \"Log\";\n"
     "ALTER TABLE \"new_Log\" RENAME TO \"Log\";\n"
     "CREATE UNIQUE INDEX \"Log_a_key\" ON \"Log\"(\"a\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"default-now-added", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  at    DateTime\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  at    DateTime @default(now())\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"at\" SET DEFAULT CURRENT_TIMESTAMP;\n"},
    {"default-now-added", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  at    DateTime\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  at    DateTime @default(now())\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"at\" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"at\", \"email\", \"id\") SELECT \"at\", \"email\", \"id\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"dbgenerated-changed", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String @default(dbgenerated(\"lower('X')\"))\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String @default(dbgenerated(\"upper('X')\"))\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET DEFAULT upper('X');\n"},
    {"json-default-same-value", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  meta  Json @default(\"{\\\"a\\\":1}\")\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  meta  Json @default(\"{ \\\"a\\\": 1 }\")\n"
     "}\n",
     "-- This is an empty migration.\n"},
    {"fk-column-retyped", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "-- This is an empty migration.\n"},
    {"sqlite-fk-and-index", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)\n"
     "\n"
     "  @@index([authorId])\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_Post\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"authorId\" INTEGER NOT NULL,\n"
     "    CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\" (\"id\") ON DELETE CASCADE ON UPDATE CASCADE\n"
     ");\n"
     "INSERT INTO \"new_Post\" (\"authorId\", \"id\") SELECT \"authorId\", \"id\" FROM \"Post\";\n"
     "DROP TABLE \"Post\";\n"
     "ALTER TABLE \"new_Post\" RENAME TO \"Post\";\n"
     "CREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"sqlite-column-type-change-with-data", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     Int?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  n     String?\n"
     "}\n",
     "-- RedefineTables\n"
     "PRAGMA defer_foreign_keys=ON;\n"
     "PRAGMA foreign_keys=OFF;\n"
     "CREATE TABLE \"new_User\" (\n"
     "    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
     "    \"email\" TEXT NOT NULL,\n"
     "    \"n\" TEXT\n"
     ");\n"
     "INSERT INTO \"new_User\" (\"email\", \"id\", \"n\") SELECT \"email\", \"id\", \"n\" FROM \"User\";\n"
     "DROP TABLE \"User\";\n"
     "ALTER TABLE \"new_User\" RENAME TO \"User\";\n"
     "CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");\n"
     "PRAGMA foreign_keys=ON;\n"
     "PRAGMA defer_foreign_keys=OFF;\n"},
    {"sqlite-drop-table-referenced", "sqlite",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  posts Post[]\n"
     "}\n"
     "\n"
     "model Post {\n"
     "  id       Int    @id @default(autoincrement())\n"
     "  authorId Int\n"
     "  author   User   @relation(fields: [authorId], references: [id])\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "-- DropTable\n"
     "PRAGMA foreign_keys=off;\n"
     "DROP TABLE \"Post\";\n"
     "PRAGMA foreign_keys=on;\n"},
    {"bigint-autoincrement", "postgresql",
     "model T {\n"
     "  id BigInt @id\n"
     "}\n",
     "model T {\n"
     "  id BigInt @id @default(autoincrement())\n"
     "}\n",
     "-- AlterTable\n"
     "CREATE SEQUENCE t_id_seq;\n"
     "ALTER TABLE \"T\" ALTER COLUMN \"id\" SET DEFAULT nextval('t_id_seq');\n"
     "ALTER SEQUENCE t_id_seq OWNED BY \"T\".\"id\";\n"},
    {"enum-reordered", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Role   @default(USER)\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  USER\n"
     "  ADMIN\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  role  Role   @default(USER)\n"
     "}\n"
     "\n"
     "enum Role {\n"
     "  ADMIN\n"
     "  USER\n"
     "}\n",
     "-- This is an empty migration.\n"},
    {"required-list-default", "postgresql",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "}\n",
     "model User {\n"
     "  id    Int    @id @default(autoincrement())\n"
     "  email String @unique\n"
     "  name  String?\n"
     "  nums  Int[] @default([1, 2])\n"
     "}\n",
     "-- AlterTable\n"
     "ALTER TABLE \"User\" ADD COLUMN     \"nums\" INTEGER[] DEFAULT ARRAY[1, 2]::INTEGER[];\n"},
};

#define NSCENARIOS (sizeof SCENARIOS / sizeof *SCENARIOS)

/* ---- helpers ------------------------------------------------------------------------------- */

/* A schema text lowered for its provider (the Db's memory is released; the SqlSchema owns its
 * own). Fails the test on an invalid schema. */
static SqlSchema *lower_text(const char *text, bool exact)
{
    Parsed *p = parse_text(text);
    Db *db = db_resolve(p->ast, &p->diags);
    db_validate(db, PROVIDER_NONE, &p->diags);
    if (p->diags.errors) {
        char *msg = diags_text(p, false);
        print_error("invalid schema:\n%s\n%s", text, msg);
        free(msg);
        parsed_free(p);
        fail();
    }
    SqlSchema *s = lower_schema(db, dialect_get(lower_flavour_for(db->provider), exact));
    parsed_free(p);
    return s;
}

static char *with_datasource(const char *provider, const char *models)
{
    char *text = malloc(strlen(models) + 128);
    sprintf(text, "datasource db {\n  provider = \"%s\"\n}\n\n%s", provider, models);
    return text;
}

/* A copy of `s` with its tables in name order: the order Prisma's describer reads them from a
 * database (so that steps sorted by previous table come out as in Prisma's scripts). */
static SqlSchema *sorted_by_name(const SqlSchema *s)
{
    uint32_t n = s->ntables;
    uint32_t *order = malloc((n + 1) * sizeof *order), *where = malloc((n + 1) * sizeof *where);
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    /* insertion sort: test schemas are small */
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0; j--) {
            Str a = s->tables[order[j - 1]].name, b = s->tables[order[j]].name;
            int c = memcmp(a.ptr, b.ptr, a.len < b.len ? a.len : b.len);
            if (c < 0 || (c == 0 && a.len <= b.len))
                break;
            uint32_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (uint32_t i = 0; i < n; i++)
        where[order[i]] = i;
    SqlSchema *out = sql_schema_new(s->flavour);
    for (uint32_t i = 0; i < s->nnamespaces; i++)
        sql_add_namespace(out, s->namespaces[i].name);
    for (uint32_t i = 0; i < s->nenums; i++) {
        const SqlEnum *e = &s->enums[i];
        uint32_t id = sql_add_enum(out, e->namespace, e->name, e->origin);
        for (uint32_t v = 0; v < e->nvalues; v++)
            sql_add_enum_value(out, id, e->values[v], e->value_origins[v]);
    }
    for (uint32_t i = 0; i < s->nextensions; i++)
        sql_add_extension(out, &s->extensions[i]);
    for (uint32_t k = 0; k < n; k++) {
        const SqlTable *t = &s->tables[order[k]];
        uint32_t id = sql_add_table(out, t->namespace, t->name, t->origin);
        for (uint32_t c = 0; c < t->ncolumns; c++)
            sql_add_column(out, id, &t->columns[c]);
        for (uint32_t x = 0; x < t->nindexes; x++)
            sql_add_index(out, id, &t->indexes[x]);
        for (uint32_t f = 0; f < t->nfks; f++) {
            SqlForeignKey fk = t->fks[f];
            fk.referenced_table = where[fk.referenced_table];
            sql_add_foreign_key(out, id, &fk);
        }
    }
    free(order);
    free(where);
    return out;
}

static char *render_migration(const SqlSchema *prev, const SqlSchema *next, Migration **keep)
{
    Migration *m = migrate_diff(prev, next, dialect_for_flavour(next->flavour));
    SqlBuf out = {0};
    migrate_render_script(m, NULL, &out);
    if (keep)
        *keep = m;
    else
        migrate_free(m);
    return out.ptr ? out.ptr : strdup("");
}

static char *from_empty(const SqlSchema *next)
{
    SqlSchema *empty = sql_schema_new(next->flavour);
    char *sql = render_migration(empty, next, NULL);
    sql_schema_free(empty);
    return sql;
}

/* ---- Prisma's scripts ---------------------------------------------------------------------- */

static void test_scenarios_match_prisma(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < NSCENARIOS; i++) {
        const Scenario *sc = &SCENARIOS[i];
        char *a = with_datasource(sc->provider, sc->from), *b = with_datasource(sc->provider, sc->to);
        SqlSchema *lowered = lower_text(a, false), *next = lower_text(b, false);
        SqlSchema *prev = sorted_by_name(lowered);
        char *got = render_migration(prev, next, NULL);
        if (strcmp(got, sc->expected) != 0) {
            print_message("%s (%s): differs from Prisma's script\n--- prisma\n%s--- prismac\n%s", sc->name,
                          sc->provider, sc->expected, got);
            failures++;
        }
        free(got);
        sql_schema_free(prev);
        sql_schema_free(lowered);
        sql_schema_free(next);
        free(a);
        free(b);
    }
    print_message("%zu alteration scripts compared with Prisma's\n", NSCENARIOS);
    assert_int_equal(failures, 0);
}

/* What applying each scenario can lose, as the steps say. */
static void test_destructive_flags(void **state)
{
    (void)state;
    static const char *const destructive[] = {
        "add-required-nodefault", "drop-column", "optional-to-required", "type-string-to-int", "unique-added", "table-dropped", "table-dropped-with-fk", "enum-value-removed",
        "enum-dropped", "varchar-length", "pk-changed", "enum-column-retyped", "scalar-to-list", "m2m-dropped",
        "column-renamed", "bigint-to-int", "pk-dropped", "sqlite-drop-table-referenced",
    };
    static const char *const safe[] = {
        "add-nullable-column", "add-required-default", "required-to-optional", "default-added", "default-dropped",
        "default-changed", "index-added", "index-dropped", "index-renamed", "fk-renamed", "table-added",
        "type-int-to-string", /* INTEGER to TEXT is a safe cast (SQLite: to TEXT as well) */
        "int-to-bigint", "json-default-same-value", "enum-reordered", "default-now-added", "dbgenerated-changed",
        "enum-value-added", "enum-values-added", "enum-added", "list-added", "m2m-added",
    };
    for (size_t i = 0; i < NSCENARIOS; i++) {
        const Scenario *sc = &SCENARIOS[i];
        int want = -1;
        for (size_t k = 0; k < sizeof destructive / sizeof *destructive; k++)
            if (strcmp(sc->name, destructive[k]) == 0)
                want = 1;
        for (size_t k = 0; k < sizeof safe / sizeof *safe; k++)
            if (strcmp(sc->name, safe[k]) == 0)
                want = 0;
        /* SQLite compares type families: INTEGER to BIGINT is a risky cast there, as Prisma says */
        if (strcmp(sc->name, "int-to-bigint") == 0 && strcmp(sc->provider, "sqlite") == 0)
            want = 1;
        if (want < 0)
            continue;
        char *a = with_datasource(sc->provider, sc->from), *b = with_datasource(sc->provider, sc->to);
        SqlSchema *prev = lower_text(a, false), *next = lower_text(b, false);
        Migration *m = migrate_diff(prev, next, dialect_for_flavour(next->flavour));
        bool got = migrate_is_destructive(m);
        if (got != (want == 1))
            print_error("%s (%s): destructive = %d, expected %d\n", sc->name, sc->provider, got, want);
        assert_int_equal(got, want == 1);
        for (uint32_t s = 0; s < m->nsteps; s++)
            assert_true(m->steps[s].destructive == (m->steps[s].warning != NULL));
        migrate_free(m);
        sql_schema_free(prev);
        sql_schema_free(next);
        free(a);
        free(b);
    }
}

/* ---- the scripts run ----------------------------------------------------------------------- */

static void test_scenarios_apply_sqlite(void **state)
{
    (void)state;
    int applied = 0;
    for (size_t i = 0; i < NSCENARIOS; i++) {
        const Scenario *sc = &SCENARIOS[i];
        if (strcmp(sc->provider, "sqlite") != 0)
            continue;
        char *a = with_datasource(sc->provider, sc->from), *b = with_datasource(sc->provider, sc->to);
        SqlSchema *prev = lower_text(a, false), *next = lower_text(b, false);
        char *create = from_empty(prev), *alter = render_migration(prev, next, NULL);
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
        char *msg = NULL;
        int rc = sqlite3_exec(db, create, NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, alter, NULL, NULL, &msg);
        if (rc != SQLITE_OK)
            print_error("%s (sqlite): %s\n--- script\n%s", sc->name, msg ? msg : "?", alter);
        assert_int_equal(rc, SQLITE_OK);
        applied++;
        sqlite3_free(msg);
        sqlite3_close(db);
        free(create);
        free(alter);
        sql_schema_free(prev);
        sql_schema_free(next);
        free(a);
        free(b);
    }
    assert_true(applied > 10);
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *pg_connect(const char *url, const char *dbname)
{
    const char *keys[] = {"dbname", dbname ? "dbname" : NULL, NULL};
    const char *vals[] = {url, dbname, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        print_error("cannot connect: %s\n", PQerrorMessage(c));
        PQfinish(c);
        fail();
    }
    PQsetNoticeProcessor(c, ignore_notice, NULL);
    return c;
}

static bool pg_run(PGconn *c, const char *sql, char **error)
{
    PGresult *res = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
    if (!ok && error)
        *error = strdup(PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

/* Each scenario in a database of its own (an enum rewrite has its own BEGIN/COMMIT). */
static void test_scenarios_apply_postgresql(void **state)
{
    (void)state;
    const char *url = test_pg_url();
    PGconn *admin = pg_connect(url, NULL);
    int applied = 0;
    for (size_t i = 0; i < NSCENARIOS; i++) {
        const Scenario *sc = &SCENARIOS[i];
        if (strcmp(sc->provider, "postgresql") != 0)
            continue;
        char dbname[80], sql[200];
        snprintf(dbname, sizeof dbname, "prismac_diff_%d_%zu", (int)getpid(), i);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
        assert_true(pg_run(admin, sql, NULL));
        PGconn *c = pg_connect(url, dbname);
        char *a = with_datasource(sc->provider, sc->from), *b = with_datasource(sc->provider, sc->to);
        SqlSchema *prev = lower_text(a, false), *next = lower_text(b, false);
        char *create = from_empty(prev), *alter = render_migration(prev, next, NULL);
        char *error = NULL;
        bool ok = pg_run(c, create, &error) && pg_run(c, alter, &error);
        if (!ok)
            print_error("%s (postgresql): %s--- script\n%s", sc->name, error, alter);
        free(error);
        PQfinish(c);
        snprintf(sql, sizeof sql, "DROP DATABASE %s", dbname);
        pg_run(admin, sql, NULL);
        assert_true(ok);
        applied++;
        free(create);
        free(alter);
        sql_schema_free(prev);
        sql_schema_free(next);
        free(a);
        free(b);
    }
    PQfinish(admin);
    assert_true(applied > 10);
}

/* ---- invariants ---------------------------------------------------------------------------- */

/* Every golden schema, diffed with itself, needs no step: defaults, types, indexes and foreign
 * keys compare equal to themselves, whatever their spelling. */
static void test_fixtures_diff_with_themselves(void **state)
{
    (void)state;
    DIR *dir = opendir("fixtures/sql");
    assert_non_null(dir);
    struct dirent *e;
    int checked = 0;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n < 8 || strcmp(e->d_name + n - 7, ".prisma") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "fixtures/sql/%s", e->d_name);
        char *text = read_whole_file(path, NULL);
        Parsed *p = parse_text(text);
        Db *db = db_resolve(p->ast, &p->diags);
        db_validate(db, PROVIDER_NONE, &p->diags);
        if (p->diags.errors == 0 && (db->provider == PROVIDER_POSTGRESQL || db->provider == PROVIDER_SQLITE)) {
            const Dialect *d = dialect_for_flavour(lower_flavour_for(db->provider));
            SqlSchema *a = lower_schema(db, d), *b = lower_schema(db, d);
            Migration *m = migrate_diff(a, b, d);
            if (m->nsteps) {
                SqlBuf out = {0};
                migrate_render_script(m, NULL, &out);
                print_error("%s: diffed with itself:\n%s", e->d_name, out.ptr);
                sqlbuf_free(&out);
            }
            assert_int_equal(m->nsteps, 0);
            migrate_free(m);
            sql_schema_free(a);
            sql_schema_free(b);
            checked++;
        }
        parsed_free(p);
        free(text);
    }
    closedir(dir);
    assert_true(checked > 100);
}

/* Steps come out sorted by kind, in Prisma's order. */
static void test_steps_sorted_by_kind(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSCENARIOS; i++) {
        const Scenario *sc = &SCENARIOS[i];
        char *a = with_datasource(sc->provider, sc->from), *b = with_datasource(sc->provider, sc->to);
        SqlSchema *prev = lower_text(a, false), *next = lower_text(b, false);
        Migration *m = migrate_diff(prev, next, dialect_for_flavour(next->flavour));
        for (uint32_t s = 1; s < m->nsteps; s++)
            assert_true(m->steps[s - 1].kind <= m->steps[s].kind);
        /* and back: the reverse migration exists too, and is sorted as well */
        Migration *back = migrate_diff(next, prev, dialect_for_flavour(next->flavour));
        for (uint32_t s = 1; s < back->nsteps; s++)
            assert_true(back->steps[s - 1].kind <= back->steps[s].kind);
        assert_true(back->nsteps > 0 || m->nsteps == 0);
        migrate_free(back);
        migrate_free(m);
        sql_schema_free(prev);
        sql_schema_free(next);
        free(a);
        free(b);
    }
}

/* A table renamed on one side is a drop and a create: tables pair by (schema, name). Tables
 * of the same name in two schemas do not pair with each other. */
static void test_tables_pair_by_schema_and_name(void **state)
{
    (void)state;
    SqlSchema *a = sql_schema_new(SQL_POSTGRES), *b = sql_schema_new(SQL_POSTGRES);
    uint32_t na = sql_add_namespace(a, STR_LIT("one"));
    uint32_t nb = sql_add_namespace(b, STR_LIT("two"));
    SqlColumn id = {.name = STR_LIT("id"), .type = {.name = STR_LIT("INTEGER"), .enum_id = SQL_NONE, .family = SQLT_INT}};
    sql_add_column(a, sql_add_table(a, na, STR_LIT("T"), SQL_NO_ORIGIN), &id);
    sql_add_column(b, sql_add_table(b, nb, STR_LIT("T"), SQL_NO_ORIGIN), &id);
    Migration *m = migrate_diff(a, b, &dialect_postgres);
    int creates = 0, drops = 0, schemas = 0;
    for (uint32_t i = 0; i < m->nsteps; i++) {
        creates += m->steps[i].kind == STEP_CREATE_TABLE;
        drops += m->steps[i].kind == STEP_DROP_TABLE;
        schemas += m->steps[i].kind == STEP_CREATE_SCHEMA;
    }
    assert_int_equal(creates, 1);
    assert_int_equal(drops, 1);
    assert_int_equal(schemas, 1);
    SqlBuf out = {0};
    migrate_render_script(m, NULL, &out);
    assert_non_null(strstr(out.ptr, "DROP TABLE \"one\".\"T\";\n"));
    assert_non_null(strstr(out.ptr, "CREATE TABLE \"two\".\"T\" (\n"));
    sqlbuf_free(&out);
    migrate_free(m);
    sql_schema_free(a);
    sql_schema_free(b);
}

/* The prisma migrations table and PostGIS' catalog tables are never created nor dropped. */
static void test_ignored_tables(void **state)
{
    (void)state;
    SqlSchema *a = sql_schema_new(SQL_POSTGRES), *b = sql_schema_new(SQL_POSTGRES);
    SqlColumn id = {.name = STR_LIT("id"), .type = {.name = STR_LIT("INTEGER"), .enum_id = SQL_NONE, .family = SQLT_INT}};
    sql_add_column(a, sql_add_table(a, SQL_NONE, STR_LIT("_prisma_migrations"), SQL_NO_ORIGIN), &id);
    sql_add_column(a, sql_add_table(a, SQL_NONE, STR_LIT("spatial_ref_sys"), SQL_NO_ORIGIN), &id);
    Migration *m = migrate_diff(a, b, &dialect_postgres);
    assert_int_equal(m->nsteps, 0);
    migrate_free(m);
    sql_schema_free(a);
    sql_schema_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios_match_prisma),
        cmocka_unit_test(test_destructive_flags),
        cmocka_unit_test(test_scenarios_apply_sqlite),
        cmocka_unit_test(test_scenarios_apply_postgresql),
        cmocka_unit_test(test_fixtures_diff_with_themselves),
        cmocka_unit_test(test_steps_sorted_by_kind),
        cmocka_unit_test(test_tables_pair_by_schema_and_name),
        cmocka_unit_test(test_ignored_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
