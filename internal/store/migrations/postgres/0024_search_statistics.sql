-- Searches on PostgreSQL choose their plan from the planner's estimate of
-- how many customers have the query's tokens (store.walkNewestFirst) and
-- report that estimate as the total above 20,000. The default statistics
-- keep the frequencies of about a thousand of the millions of distinct
-- tokens; ten times as many keep every token shared by more than about one
-- customer in 10,000 (ANALYZE then samples 300,000 rows).
ALTER TABLE customer_search ALTER COLUMN tokens SET STATISTICS 1000;
