package io.userstream.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageTokenTest {

    @Test
    void tokenWithoutPagingStateRoundTrips() {
        PageToken token = PageToken.decode(new PageToken(2019, null).encode());
        assertThat(token.bucket()).isEqualTo(2019);
        assertThat(token.pagingState()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "!!!", "AAAA", "AQ", "not base64", "AQAAB-MAAAAF"})
    void malformedTokensAreRefusedAsInvalid(String token) {
        assertThatThrownBy(() -> PageToken.decode(token)).isInstanceOf(InvalidPageTokenException.class);
    }

    @Test
    void garbagePagingStateIsRefusedAsInvalid() {
        byte[] bytes = ByteBuffer.allocate(1 + 4 + 4 + 3).put((byte) 1).putInt(2020).putInt(3).put(new byte[] {9, 9, 9}).array();
        assertThatThrownBy(() -> PageToken.decode(Base64.getUrlEncoder().encodeToString(bytes)))
                .isInstanceOf(InvalidPageTokenException.class);
    }

    @Test
    void overlongTokenIsRefused() {
        assertThatThrownBy(() -> PageToken.decode("A".repeat(20_000))).isInstanceOf(InvalidPageTokenException.class);
    }
}
