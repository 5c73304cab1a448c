package dev.sluice.core.hash;

import dev.sluice.core.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-process cache behind {@link ContentHash#ofFile}: absolute path to (size, modification time, hash).
 * A file whose size and modification time are unchanged is not read again.
 */
final class FileHashCache {
    private record Entry(long sizeBytes, long modifiedNs, ContentHash hash) {}

    private static final ConcurrentHashMap<Path, Entry> CACHE = new ConcurrentHashMap<>();

    private FileHashCache() {}

    static ContentHash hash(Path file) {
        Path path = file.toAbsolutePath().normalize();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new BadInputException("file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read the attributes of " + path + ": " + e.getMessage(), e);
        }
        if (!attributes.isRegularFile()) {
            throw new BadInputException(path + " is not a regular file");
        }
        long modifiedNs = attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        Entry cached = CACHE.get(path);
        if (cached != null && cached.sizeBytes == attributes.size() && cached.modifiedNs == modifiedNs) {
            return cached.hash;
        }
        ContentHash hash = read(path);
        CACHE.put(path, new Entry(attributes.size(), modifiedNs, hash));
        return hash;
    }

    private static ContentHash read(Path path) {
        try (InputStream in = Files.newInputStream(path);
                Sha256 sha = Sha256.acquire()) {
            byte[] chunk = new byte[1 << 16];
            for (int n; (n = in.read(chunk)) > 0; ) {
                sha.update(chunk, 0, n);
            }
            return ContentHash.finish(sha);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
