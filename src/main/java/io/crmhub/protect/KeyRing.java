package io.crmhub.protect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sealing keys (by id; one active, older ones kept to read what they sealed) and the blind-index key. Loaded once
 * at start from the environment or the key file; a file-backed ring can rotate itself (the default run), an
 * environment-backed one is rotated by its operator (new key added, active id changed, restart, re-encrypt).
 */
public final class KeyRing {
    private static final Logger log = LoggerFactory.getLogger(KeyRing.class);
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public enum Source { ENVIRONMENT, KEY_FILE, GENERATED_KEY_FILE }

    private final Map<String, SecretKey> keys;
    private volatile String activeId;
    private final byte[] indexKey;
    private final Source source;
    private final Path file;

    private KeyRing(Map<String, SecretKey> keys, String activeId, byte[] indexKey, Source source, Path file) {
        this.keys = new java.util.concurrent.ConcurrentHashMap<>(keys);
        this.activeId = activeId;
        this.indexKey = indexKey;
        this.source = source;
        this.file = file;
    }

    /** The ring the settings describe; refuses (with the setting to fix) when there is no key and none may be generated. */
    public static KeyRing load(ProtectionProperties p, Clock clock) {
        if (!p.keys().isBlank()) {
            Map<String, SecretKey> keys = parseKeys(p.keys());
            String active = p.activeKey().isBlank() ? last(keys) : p.activeKey();
            if (!keys.containsKey(active)) {
                throw new IllegalStateException("crmhub.protection.active-key (CRMHUB_PROTECTION_ACTIVE_KEY): '" + active
                        + "' is not one of the ids in crmhub.protection.keys");
            }
            if (p.indexKey().isBlank()) {
                throw new IllegalStateException("crmhub.protection.index-key (CRMHUB_PROTECTION_INDEX_KEY) is required with "
                        + "crmhub.protection.keys: the blind index of phones and e-mails is keyed by it");
            }
            return new KeyRing(keys, active, decode("crmhub.protection.index-key", p.indexKey(), 32), Source.ENVIRONMENT, null);
        }
        Path file = p.keyFile().toAbsolutePath().normalize();
        if (Files.isRegularFile(file)) {
            return readFile(file, Source.KEY_FILE);
        }
        if (!p.generateLocalKey()) {
            throw new IllegalStateException("no personal-data key: set CRMHUB_PROTECTION_KEYS, CRMHUB_PROTECTION_ACTIVE_KEY and "
                    + "CRMHUB_PROTECTION_INDEX_KEY, or provide the key file " + file + " (CRMHUB_PROTECTION_KEY_FILE); "
                    + "see docs/operations.md, personal data");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String id = newKeyId(clock);
        keys.put(id, new SecretKeySpec(randomBytes(32), "AES"));
        KeyRing ring = new KeyRing(keys, id, randomBytes(32), Source.GENERATED_KEY_FILE, file);
        ring.writeFile();
        log.warn("Generated a local personal-data key '{}' in {}: phones, ID numbers and e-mails are encrypted with it. "
                + "Back this file up with the database; the prod profile needs CRMHUB_PROTECTION_* or a key file instead.", id, file);
        return ring;
    }

    /** Generates a new key, makes it active and saves the file (file-backed rings only); its id. */
    public synchronized String rotate(Clock clock) {
        if (file == null) {
            throw new IllegalStateException("the keys come from the environment (CRMHUB_PROTECTION_KEYS): add a new key there, "
                    + "set CRMHUB_PROTECTION_ACTIVE_KEY to it and restart every instance, then re-encrypt");
        }
        String id = newKeyId(clock);
        while (keys.containsKey(id)) {
            id = id + "b";
        }
        keys.put(id, new SecretKeySpec(randomBytes(32), "AES"));
        String previous = activeId;
        activeId = id;
        try {
            writeFile();
        } catch (RuntimeException e) {
            keys.remove(id);
            activeId = previous;
            throw e;
        }
        log.info("Personal-data key rotated: new values are sealed with '{}' (was '{}'); re-encrypt to move existing ones", id, previous);
        return id;
    }

    public String activeId() {
        return activeId;
    }

    SecretKey active() {
        return keys.get(activeId);
    }

    /**
     * The key of {@code id}; a file-backed ring that does not know it reads its file again first, so that hubs sharing
     * a key file open what another one sealed after rotating (and take its active key, lest re-encryption undo it).
     */
    SecretKey key(String id) {
        SecretKey key = keys.get(id);
        if (key == null && file != null && KEY_ID.matcher(id).matches()) {
            key = reloadFor(id);
        }
        return key;
    }

    private synchronized SecretKey reloadFor(String id) {
        if (keys.containsKey(id) || !Files.isRegularFile(file)) {
            return keys.get(id);
        }
        KeyRing current = readFile(file, source);
        if (!java.security.MessageDigest.isEqual(current.indexKey, indexKey)) {
            log.error("The personal-data key file {} now holds another blind-index key: not reloaded; restart the hub", file);
            return null;
        }
        if (current.keys.containsKey(id)) {
            current.keys.forEach(keys::putIfAbsent);
            if (!current.activeId.equals(activeId)) {
                log.info("Personal-data key file {} was rotated by another hub: sealing with '{}' now (was '{}')", file,
                        current.activeId, activeId);
                activeId = current.activeId;
            }
        }
        return keys.get(id);
    }

    byte[] indexKey() {
        return indexKey.clone();
    }

    public java.util.Set<String> keyIds() {
        return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(keys.keySet()));
    }

    public Source source() {
        return source;
    }

    /** The key file this ring reads and rotates, if it is file-backed. */
    public java.util.Optional<Path> file() {
        return java.util.Optional.ofNullable(file);
    }

    private static KeyRing readFile(Path file, Source source) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the personal-data key file " + file + ": " + e.getMessage(), e);
        }
        Map<String, SecretKey> keys = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("key.")) {
                String id = name.substring(4);
                requireId(id, file + ": " + name);
                keys.put(id, new SecretKeySpec(decode(file + ": " + name, props.getProperty(name), 32), "AES"));
            }
        }
        String active = props.getProperty("active", "");
        if (!keys.containsKey(active)) {
            throw new IllegalStateException(file + ": 'active' (" + active + ") names no key.<id> in the file");
        }
        String index = props.getProperty("index", "");
        if (index.isBlank()) {
            throw new IllegalStateException(file + ": 'index' (the blind-index key) is missing");
        }
        return new KeyRing(keys, active, decode(file + ": index", index, 32), source, file);
    }

    private void writeFile() {
        Properties props = new Properties();
        props.setProperty("active", activeId);
        props.setProperty("index", Base64.getEncoder().encodeToString(indexKey));
        keys.forEach((id, key) -> props.setProperty("key." + id, Base64.getEncoder().encodeToString(key.getEncoded())));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "keys", ".tmp");
            restrict(tmp);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                props.store(out, "CRM Hub personal-data keys: keep secret, back up with the database; never commit");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the personal-data key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void restrict(Path path) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the directory's permissions apply
        }
    }

    private static Map<String, SecretKey> parseKeys(String spec) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            String trimmed = pair.strip();
            int colon = trimmed.indexOf(':');
            if (colon < 1) {
                throw new IllegalStateException("crmhub.protection.keys (CRMHUB_PROTECTION_KEYS): each key must be id:base64, "
                        + "e.g. k2026a:<32 bytes in base64>");
            }
            String id = trimmed.substring(0, colon);
            requireId(id, "crmhub.protection.keys");
            keys.put(id, new SecretKeySpec(decode("crmhub.protection.keys (" + id + ")", trimmed.substring(colon + 1), 32), "AES"));
        }
        return keys;
    }

    private static void requireId(String id, String where) {
        if (!KEY_ID.matcher(id).matches()) {
            throw new IllegalStateException(where + ": key id '" + id + "' must be 1-32 letters, digits, '_' or '-'");
        }
    }

    private static byte[] decode(String setting, String base64, int length) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + ": is not base64");
        }
        if (bytes.length != length) {
            throw new IllegalStateException(setting + ": must be " + length + " bytes (256 bits), got " + bytes.length);
        }
        return bytes;
    }

    private static String last(Map<String, SecretKey> keys) {
        String last = null;
        for (String id : keys.keySet()) {
            last = id;
        }
        return last;
    }

    private static String newKeyId(Clock clock) {
        return "k" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(clock.instant());
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
