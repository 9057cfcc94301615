package io.asyncudf.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Credentials are scoped by origin: scheme, host and port as the HTTP client itself reads the URL. */
class OriginsTest {

  @Test
  void anOriginIsSchemeHostAndPortLowerCasedWithTheDefaultPortFilledIn() {
    assertThat(Origins.of("HTTPS://Scores.Example.org/api?x=1")).isEqualTo("https://scores.example.org:443");
    assertThat(Origins.of("http://127.0.0.1/")).isEqualTo("http://127.0.0.1:80");
    assertThat(Origins.of("http://user:pw@host:8080/a")).isEqualTo("http://host:8080");
  }

  @Test
  void hostNamesJavaNetUriRejectsStillHaveAnOrigin() {
    assertThat(Origins.of("http://score_service:8080/score")).isEqualTo("http://score_service:8080");
    HttpConnector.create(HttpClientConfig.builder().baseUrl("http://score_service:8080/").build()).close();
  }

  @Test
  void absoluteUrlsAreRecognisedInAnyCaseAndOthersHaveNoOrigin() {
    assertThat(Origins.isAbsolute("HTTP://other/x")).isTrue();
    assertThat(Origins.isAbsolute("score?id=1")).isFalse();
    assertThatThrownBy(() -> Origins.of("ftp://host/x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an absolute http(s) URL");
  }
}
