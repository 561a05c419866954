-- The customer search index: per customer, its name characters and
-- bigrams, pinyin prefixes, codes and the last digits of its contacts'
-- mobiles (see internal/search). Contentless FTS5 over pre-split tokens:
-- one- and two-character Chinese queries are index look-ups.
CREATE VIRTUAL TABLE customer_search USING fts5(
    tokens, tokenize = 'unicode61', detail = 'none', content = '', contentless_delete = 1
);
