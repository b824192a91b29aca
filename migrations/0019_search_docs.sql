-- One search document a problem: its title, description and experts'
-- answers as Russian and English stems (each configuration keeps the words
-- of other alphabets as they are: Kazakh ones whole), without positions,
-- in a table of its own with what a search filters by. A search reads the
-- index and then only these rows: not the problems' and messages' wide
-- rows, nor one per answer, which at 100,000 problems cost four times as
-- much. The columns beside the document copy the problem's, kept by the
-- triggers below.
CREATE TABLE search_docs (
    problem_id BIGINT PRIMARY KEY REFERENCES problems (id) ON DELETE CASCADE,
    sector_id  INT NOT NULL,
    status     TEXT NOT NULL,
    shown      BOOLEAN NOT NULL, -- neither hidden by a moderator nor merged into another
    doc        tsvector NOT NULL
);
CREATE INDEX search_docs_doc ON search_docs USING gin (doc) WITH (fastupdate = off);

-- search_doc writes a problem's document from what is committed: it locks
-- the problem first, as every change of it does, so that two answers
-- written at once each see the other (a volatile function's next statement
-- takes a new snapshot).
CREATE FUNCTION search_doc(pid bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    PERFORM FROM problems WHERE id = pid FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT p.title || ' ' || p.body || ' ' || COALESCE(
        (SELECT string_agg(m.text, ' ') FROM messages m WHERE m.problem_id = p.id AND m.author_role = 'expert'), '')
    INTO t FROM problems p WHERE p.id = pid;
    INSERT INTO search_docs (problem_id, sector_id, status, shown, doc)
    SELECT p.id, p.sector_id, p.status, p.hidden_at IS NULL AND p.merged_into IS NULL,
        strip(to_tsvector('russian', t) || to_tsvector('english', t))
    FROM problems p WHERE p.id = pid
    ON CONFLICT (problem_id) DO UPDATE SET
        sector_id = EXCLUDED.sector_id, status = EXCLUDED.status, shown = EXCLUDED.shown, doc = EXCLUDED.doc;
END $$;

CREATE FUNCTION search_doc_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'messages' THEN
        IF TG_OP <> 'DELETE' AND NEW.author_role = 'expert' THEN
            PERFORM search_doc(NEW.problem_id);
        ELSIF TG_OP <> 'INSERT' AND OLD.author_role = 'expert' THEN
            PERFORM search_doc(OLD.problem_id);
        END IF;
    ELSIF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title OR NEW.body IS DISTINCT FROM OLD.body THEN
        PERFORM search_doc(NEW.id);
    ELSE
        UPDATE search_docs SET sector_id = NEW.sector_id, status = NEW.status,
            shown = NEW.hidden_at IS NULL AND NEW.merged_into IS NULL
        WHERE problem_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER problems_search_doc AFTER INSERT OR UPDATE OF title, body, sector_id, status, hidden_at, merged_into
    ON problems FOR EACH ROW EXECUTE FUNCTION search_doc_sync();
CREATE TRIGGER messages_search_doc AFTER INSERT OR DELETE OR UPDATE OF text ON messages
    FOR EACH ROW EXECUTE FUNCTION search_doc_sync();

-- The lexicon (0017) now follows the documents: the words a document
-- gains are added, those it loses go when no document has them.
DROP TRIGGER problems_lexicon ON problems;
DROP TRIGGER messages_lexicon ON messages;
DROP FUNCTION lexicon_sync();
DROP FUNCTION lexicon_prune(tsvector);
CREATE FUNCTION lexicon_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO lexicon (word)
        SELECT lexeme FROM unnest(NEW.doc)
        EXCEPT SELECT lexeme FROM unnest(CASE WHEN TG_OP = 'UPDATE' THEN OLD.doc END)
        ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM lexicon l
        WHERE l.word IN (SELECT lexeme FROM unnest(OLD.doc)
                EXCEPT SELECT lexeme FROM unnest(CASE WHEN TG_OP = 'UPDATE' THEN NEW.doc END))
            AND NOT EXISTS (SELECT FROM search_docs d WHERE d.doc @@ quote_literal(l.word)::tsquery);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_docs_lexicon AFTER INSERT OR DELETE OR UPDATE OF doc ON search_docs
    FOR EACH ROW EXECUTE FUNCTION lexicon_sync();

ALTER TABLE problems DROP COLUMN search, DROP COLUMN words;
ALTER TABLE messages DROP COLUMN search, DROP COLUMN words;

TRUNCATE lexicon;
SELECT search_doc(id) FROM problems;
