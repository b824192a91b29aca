-- /search finds approved trend notes and catalogue entries too, by their
-- Russian and English stems as it finds requests.
CREATE INDEX notes_search ON notes USING gin ((to_tsvector('russian', text) || to_tsvector('english', text)))
    WHERE status = 'approved';
CREATE INDEX catalogue_search ON catalogue USING gin (
    (to_tsvector('russian', name || ' ' || country) || to_tsvector('english', name || ' ' || country)));
