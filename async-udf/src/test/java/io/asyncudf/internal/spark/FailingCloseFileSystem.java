package io.asyncudf.internal.spark;

import java.io.IOException;

/** A local file system whose files fail to close, as an upload to an object store may. */
public final class FailingCloseFileSystem extends org.apache.hadoop.fs.RawLocalFileSystem {
  @Override
  public java.net.URI getUri() {
    return java.net.URI.create("failclose:///");
  }

  @Override
  public org.apache.hadoop.fs.FSDataOutputStream create(org.apache.hadoop.fs.Path path, boolean overwrite,
      int bufferSize, short replication, long blockSize, org.apache.hadoop.util.Progressable progress)
      throws IOException {
    org.apache.hadoop.fs.FSDataOutputStream file = super.create(path, overwrite, bufferSize, replication, blockSize,
        progress);
    return new org.apache.hadoop.fs.FSDataOutputStream(new java.io.FilterOutputStream(file) {
      @Override
      public void close() throws IOException {
        file.close();
        throw new IOException("upload of " + path.getName() + " refused");
      }
    }, null);
  }
}
