// SPDX-License-Identifier: MIT
/* The common consumer recipe in plain C (see bare_recipe.c). */
#ifndef FENCECHECK_HARNESS_BARE_RECIPE_H
#define FENCECHECK_HARNESS_BARE_RECIPE_H

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if the buffer had no pending writer, 0 if it had, -errno on failure. */
int fc_bare_recipe(int dmabuf);

#ifdef __cplusplus
}
#endif

#endif
