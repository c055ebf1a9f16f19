"""From a valid client to a published workbook: render, escape, draw, build, swap into place."""
