/*
 * chart_int.h -- what the files of src/chart share (not a public contract).
 */
#ifndef INFERBOOK_CHART_INT_H
#define INFERBOOK_CHART_INT_H

struct chart_fig;

/* Frees the figure's cached layouts (draw.c); the figure stays valid. */
void chart_layouts_drop(struct chart_fig *f);

#endif
