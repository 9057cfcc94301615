package io.asyncudf.internal.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRequestRowsTest {

  @Test
  void aRequestAndAnAnswerNameTheirHeadersButNeverShowTheirValuesOrBodies() {
    var request = new HttpRequestRows.Request("POST", "/items/1?q=x&api_key=qk1&access_token=qt2",
        List.of(Map.entry("Authorization", "Bearer s3cr3t"), Map.entry("X-Api-Key", "k3y")), "application/json",
        "{\"password\":\"pw\"}".getBytes(StandardCharsets.UTF_8));
    var answer = new HttpRequestRows.Answer(200, "{\"token\":\"t0k3n\"}", Map.of("set-cookie", List.of("session=c00k1e")));

    assertThat(request.toString()).contains("POST /items/1?q=x&api_key=****&access_token=****", "Authorization",
            "X-Api-Key", "17 bytes")
        .doesNotContain("s3cr3t", "k3y", "pw", "qk1", "qt2");
    assertThat(answer.toString()).contains("200", "set-cookie").doesNotContain("c00k1e", "t0k3n");
  }
}
