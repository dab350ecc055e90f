-- Every data-version bump is announced with NOTIFY, so a server knows the versions the moment
-- an edit commits instead of polling layer_versions once a second, and its tile statements no
-- longer read them (server/src/tiles/versions.ts, docs/tiles.md "Caching that stays correct").
-- A notification is delivered only after its transaction commits, and never for one that rolls
-- back; the payload is "<layer>:<version>" (the version the row now holds).
CREATE FUNCTION layer_versions_notify() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_notify('wangge_layer_versions', NEW.layer || ':' || NEW.version);
  RETURN NULL;
END;
$$;

CREATE TRIGGER layer_versions_notify AFTER INSERT OR UPDATE OF version ON layer_versions
  FOR EACH ROW EXECUTE FUNCTION layer_versions_notify();
