/* terms/: stems (libstemmer), stopword flags and interned term ids for every token. */
#ifndef KABAR_TERMS_H
#define KABAR_TERMS_H

#include "../core/internal.h"

/* Checks that libstemmer knows `algorithm`: 1 yes, 0 no. */
int kabar__stemmer_available(const char *algorithm);
kabar_status kabar__terms(kabar_doc *doc);
#endif
