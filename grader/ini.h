/* ini.h: `grade ini FILE SECTION.KEY...`, lesson.ini's values for make and the shell scripts. */
#ifndef INI_H
#define INI_H

/* argv[0] is "ini". Returns the exit code: 0, or 2 with the message on stderr. */
int ini_main(int argc, char **argv);

#endif
