package io.userstream.store.query;

import com.datastax.oss.driver.api.core.cql.PagingState;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.util.Base64;

/**
 * Where the next page of a listing that walks several partitions starts: the partition's bucket
 * (a country's registration year, a run's shard) and Cassandra's paging state inside it (absent
 * when the page starts at the partition's first row). Encoded as URL-safe Base64 of: format byte,
 * bucket, paging state length and bytes. The driver's "safe" paging state carries a hash of the
 * query it belongs to, so a token replayed against another country, gender or run is refused
 * before it reaches Cassandra.
 *
 * @param bucket      the bucket part of the partition key to continue in
 * @param pagingState where to continue inside it, or null for its start
 */
record PageToken(int bucket, PagingState pagingState) {

    private static final byte FORMAT = 1;
    private static final int MAX_BYTES = 16 * 1024;

    String encode() {
        byte[] state = pagingState == null ? new byte[0] : pagingState.toBytes();
        ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + 4 + state.length);
        buffer.put(FORMAT).putInt(bucket).putInt(state.length).put(state);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    /** @throws InvalidPageTokenException for anything that is not a token this class encoded */
    static PageToken decode(String token) {
        if (token.length() > MAX_BYTES) {
            throw new InvalidPageTokenException("pageToken is too long");
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
            if (buffer.get() != FORMAT) {
                throw new InvalidPageTokenException("pageToken has an unknown format");
            }
            int bucket = buffer.getInt();
            int length = buffer.getInt();
            if (length < 0 || length != buffer.remaining()) {
                throw new InvalidPageTokenException("pageToken is truncated or has trailing bytes");
            }
            byte[] state = new byte[length];
            buffer.get(state);
            return new PageToken(bucket, length == 0 ? null : PagingState.fromBytes(state));
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw new InvalidPageTokenException("pageToken is not a token this service issued", e);
        } catch (RuntimeException e) {
            // PagingState.fromBytes reports malformed input with various unchecked exceptions
            if (e instanceof InvalidPageTokenException invalid) {
                throw invalid;
            }
            throw new InvalidPageTokenException("pageToken is not a token this service issued", e);
        }
    }
}
