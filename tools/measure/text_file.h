/* text_file.h: reads a whole file into a NUL-terminated string: the one reader behind the
 * callgrind, massif and lesson.ini parsers and the grader's reading of its own output files. */
#ifndef TEXT_FILE_H
#define TEXT_FILE_H

#include <stddef.h>

/* Reads path into a malloc'd string the caller frees. limit > 0: a longer file is an error
 * (refuse_long) or is cut at limit bytes; 0 reads it all. refuse_nul: a NUL byte is an error
 * ("not a text file"), since a C string would silently cut the text there. Returns NULL with
 * "PATH: why" in err (err may be NULL). */
char *text_file_read(const char *path, size_t limit, int refuse_long, int refuse_nul, char *err,
                     size_t errlen);

#endif
