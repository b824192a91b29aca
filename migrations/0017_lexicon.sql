-- Kazakh word forms through a lexicon, not the texts: every distinct word
-- of the problems and answers, with a trigram index, so that a query word
-- is expanded to the forms that are in the texts (бидайдың → бидай,
-- бидайға), which a word-for-word index then finds. Trigrams matched over
-- whole texts cost a check of every candidate row; over the lexicon, of a
-- few short words.
CREATE TABLE lexicon (word TEXT PRIMARY KEY);
CREATE INDEX lexicon_trgm ON lexicon USING gin (word gin_trgm_ops);

ALTER TABLE problems ADD COLUMN words tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED;
CREATE INDEX problems_words ON problems USING gin (words);
ALTER TABLE messages ADD COLUMN words tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED;
CREATE INDEX messages_words ON messages USING gin (words) WHERE author_role = 'expert';

-- The lexicon holds the words of the texts there are, no others: a word
-- of a text changed, deleted or forgotten goes when no text has it.
CREATE FUNCTION lexicon_prune(gone tsvector) RETURNS void LANGUAGE sql AS $$
    DELETE FROM lexicon l
    WHERE l.word IN (SELECT lexeme FROM unnest(gone))
        AND NOT EXISTS (SELECT FROM problems p WHERE p.words @@ quote_literal(l.word)::tsquery)
        AND NOT EXISTS (SELECT FROM messages m WHERE m.author_role = 'expert' AND m.words @@ quote_literal(l.word)::tsquery)
$$;
CREATE FUNCTION lexicon_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A problem's text always; a message's only if it is an expert's.
    IF TG_OP <> 'DELETE' THEN
        IF TG_TABLE_NAME = 'problems' OR (to_jsonb(NEW) ->> 'author_role') = 'expert' THEN
            INSERT INTO lexicon (word) SELECT lexeme FROM unnest(NEW.words) ON CONFLICT DO NOTHING;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM lexicon_prune(OLD.words);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER problems_lexicon AFTER INSERT OR DELETE OR UPDATE OF title, body ON problems
    FOR EACH ROW EXECUTE FUNCTION lexicon_sync();
CREATE TRIGGER messages_lexicon AFTER INSERT OR DELETE OR UPDATE OF text ON messages
    FOR EACH ROW EXECUTE FUNCTION lexicon_sync();

INSERT INTO lexicon (word)
SELECT lexeme FROM problems, unnest(words)
UNION SELECT lexeme FROM messages, unnest(words) WHERE author_role = 'expert'
ON CONFLICT DO NOTHING;

DROP INDEX problems_trgm;
DROP INDEX messages_trgm;

-- Each new text goes into the indexes at once: with GIN's pending list a
-- search would read every text added since the last vacuum, one by one,
-- and a few thousand of them make it ten times slower. Texts come a few
-- a second at most, and each costs its insert a little more.
ALTER INDEX problems_search SET (fastupdate = off);
ALTER INDEX messages_search SET (fastupdate = off);
ALTER INDEX problems_words SET (fastupdate = off);
ALTER INDEX messages_words SET (fastupdate = off);
ALTER INDEX lexicon_trgm SET (fastupdate = off);
