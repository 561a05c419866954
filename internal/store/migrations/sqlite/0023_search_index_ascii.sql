-- The search index again, with two settings for faster writes:
--  * the ascii tokenizer: the tokens come split and lower-cased from Go
--    (internal/search), so the unicode61 tokenizer's folding of every
--    character was wasted work; ascii splits on the spaces between them and
--    keeps Han characters as they are;
--  * a 16 MiB write buffer ('hashsize'): with about a hundred tokens per
--    customer, an import batch overflowed the default 1 MiB several times,
--    each overflow writing a small segment that automerge then rewrote.
-- Kehu refills the index from the customers at the next start (the
-- 'search.index' setting tells it the index is not of its version).
DROP TABLE customer_search;
CREATE VIRTUAL TABLE customer_search USING fts5(
    tokens, tokenize = 'ascii', detail = 'none', content = '', contentless_delete = 1
);
INSERT INTO customer_search (customer_search, rank) VALUES ('hashsize', 16777216);
DELETE FROM settings WHERE key = 'search.index';
