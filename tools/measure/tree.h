/* tree.h: removing a folder and everything in it, without a shell (rm -rf in process). */
#ifndef TREE_H
#define TREE_H

/* Removes path and everything below it, not following links; keeps going past what cannot be
 * removed (a few empty folders at worst). A missing path is not an error. */
void tree_remove(const char *path);

#endif
