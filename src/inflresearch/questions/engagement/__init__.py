"""questions/engagement"""
