-- The example blog's production database (examples/schema.prisma), as it really is: it missed the
-- last release, and someone added a column by hand. `make demo` builds a throwaway SQLite file
-- from this script and runs `prismac check` on it.
--
-- What drifted:
--   - the release that added Post.publishedAt (and the index that sorts an author's posts by it)
--     never reached production;
--   - Tag names are not unique here yet (the release added Tag_name_key);
--   - comments of a deleted user still block the delete (ON DELETE RESTRICT, not SET NULL);
--   - User.legacyId was added by hand during an import and is not in the schema;
--   - a reporting view sits beside the tables (not drift: a schema cannot declare it).

CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" TEXT NOT NULL DEFAULT 'READER',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "legacyId" TEXT
);

CREATE TABLE "Post" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "Tag" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL
);

CREATE TABLE "comments" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "postId" INTEGER NOT NULL,
    "authorId" INTEGER,
    "body" TEXT NOT NULL,
    CONSTRAINT "comments_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "comments_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE TABLE "_PostToTag" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,
    CONSTRAINT "_PostToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "Post" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "_PostToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "Tag" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");
CREATE UNIQUE INDEX "_PostToTag_AB_unique" ON "_PostToTag"("A", "B");
CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");

CREATE VIEW "posts_per_author" AS
    SELECT "User"."email", count("Post"."id") AS "posts" FROM "User" LEFT JOIN "Post" ON "Post"."authorId" = "User"."id"
    GROUP BY "User"."id";

INSERT INTO "User" ("id", "email", "name", "role", "legacyId") VALUES
    (1, 'ada@example.com', 'Ada', 'ADMIN', 'wp-17'), (2, 'linus@example.com', NULL, 'AUTHOR', NULL);
INSERT INTO "Post" ("id", "slug", "title", "body", "published", "authorId", "updatedAt") VALUES
    (1, 'hello', 'Hello', 'First post.', true, 1, '2025-01-10 09:00:00'),
    (2, 'drafts', 'Drafts', 'Not yet.', false, 2, '2025-02-01 12:30:00');
INSERT INTO "Tag" ("id", "name") VALUES (1, 'news'), (2, 'howto');
INSERT INTO "_PostToTag" ("A", "B") VALUES (1, 1), (2, 2);
INSERT INTO "comments" ("postId", "authorId", "body") VALUES (1, 2, 'Welcome!');
