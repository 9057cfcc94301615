package io.asyncudf.http;

import java.util.regex.Pattern;

/** Removes secrets from text that goes into messages and logs. */
final class Redaction {

  /**
   * Up to the last {@code @} of the authority (a password may hold an {@code @} that was not escaped), after
   * {@code scheme://}, after a bare {@code //}, or at the start of a URL without either ({@code user:pw@host/x}).
   */
  private static final Pattern USER_INFO = Pattern.compile("(?<=^|//)[^/?#]*@");
  private static final Pattern SECRET_QUERY_VALUE = Pattern.compile(
      "(?i)([?&][^=&#]*(?:token|key|secret|password|passwd|pwd|signature|sig|auth|code|credential)[^=&#]*=)[^&#]*");

  private Redaction() {}

  /** The URL without user info and with the values of secret-looking query parameters masked. */
  static String url(String url) {
    String withoutUser = USER_INFO.matcher(url).replaceFirst("");
    return SECRET_QUERY_VALUE.matcher(withoutUser).replaceAll("$1****");
  }
}
