#!/bin/sh
@{header}
@{body}
