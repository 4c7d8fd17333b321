/* lesson_id.h: the lesson number a user typed, as the two digits of the lesson folders
 * (lessons/NN-slug). make and the scripts read it the same way through tools/lesson_id.sh. */
#ifndef LESSON_ID_H
#define LESSON_ID_H

/* "7", "07" and "007" are "07": digits only, 1 to 99. Returns 0 with the id in out, or -1. */
int lesson_id_parse(const char *s, char out[3]);

#endif
