-- Observers: committee members an admin adds, who see the console's
-- published requests and figures, never anyone's personal data.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('entrepreneur', 'observer', 'moderator', 'admin'));
